"""nest_by_prefix: the same routes, resolved and reversed as before, in fewer tries."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.urls.resolvers import RegexPattern

from hearth.core.urls import nest_by_prefix


def _view(name: str):  # type: ignore[no-untyped-def]
    def view(request: HttpRequest, **kwargs: str) -> HttpResponse:
        return HttpResponse(name)

    view.__name__ = name
    return view


LIST, DETAIL, ACTION, HOME, CATCH_ALL, TAG = (
    _view(name) for name in ("list", "detail", "action", "home", "catch_all", "tag")
)


def _resolver(patterns: list[URLPattern | URLResolver]) -> URLResolver:
    return URLResolver(RegexPattern(r"^/"), patterns)


def test_routes_of_one_resource_share_an_include_and_resolve_as_before() -> None:
    flat: list[URLPattern | URLResolver] = [
        path("v1/statuses", LIST, name="statuses"),
        path("v1/timelines/home", HOME, name="home"),
        path("v1/statuses/<int:pk>", DETAIL, name="status"),
        path("v1/statuses/<int:pk>/favourite", ACTION, name="favourite"),
        path("v1/timelines/tag/<str:tag>", TAG, name="tag"),
    ]
    nested = nest_by_prefix(flat)

    # A group per leading path, where its first route was: its exact route, then one include
    # of the longer ones
    assert [str(item.pattern) for item in nested] == [
        "v1/statuses",
        "v1/statuses/",
        "v1/timelines/",
    ]
    assert [type(item) for item in nested] == [URLPattern, URLResolver, URLResolver]
    # and every path resolves to the same view, arguments and name
    before, after = _resolver(flat), _resolver(nested)
    for url in (
        "/v1/statuses",
        "/v1/statuses/12",
        "/v1/statuses/12/favourite",
        "/v1/timelines/home",
        "/v1/timelines/tag/cats",
    ):
        old, new = before.resolve(url), after.resolve(url)
        assert (new.func, new.kwargs, new.url_name) == (old.func, old.kwargs, old.url_name)
    # and reverse() finds the names
    assert after.reverse("favourite", pk=12) == "v1/statuses/12/favourite"


def test_the_busiest_go_first_but_never_past_a_pattern_that_could_overlap() -> None:
    flat: list[URLPattern | URLResolver] = [
        path("v1/apps", LIST),
        path("v1/markers", LIST),
        re_path(r"^v1/(?P<anything>.*)$", CATCH_ALL),
        path("v1/statuses", LIST),
        path("v1/timelines/home", HOME),
    ]
    nested = nest_by_prefix(flat, first=["v1/timelines", "v1/markers"])

    assert [str(item.pattern) for item in nested] == [
        "v1/markers",
        "v1/apps",
        "^v1/(?P<anything>.*)$",
        "v1/timelines/",
        "v1/statuses",
    ]
    # The catch-all still wins over the groups after it, as it did
    assert _resolver(nested).resolve("/v1/timelines/home").func is CATCH_ALL


def test_routes_that_cannot_be_nested_stay_where_they_are() -> None:
    flat: list[URLPattern | URLResolver] = [
        path("docs", LIST),
        path("<str:version>/statuses", DETAIL),
        path("v1/statuses", LIST),
    ]
    nested = nest_by_prefix(flat)

    assert [str(item.pattern) for item in nested] == [
        "docs",
        "<str:version>/statuses",
        "v1/statuses",
    ]
    assert _resolver(nested).resolve("/v1/statuses").func is DETAIL  # first, as before
