"""The client API's routes, nested by resource (hearth.core.urls.nest_by_prefix): every one
resolves as it did in ninja's flat list, and Django's URL checks pass."""

import re

from django.core.checks import Tags, run_checks
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from hearth.api.main import api


def _resolver(patterns: list[URLPattern | URLResolver]) -> URLResolver:
    return URLResolver(RegexPattern(r"^/"), patterns)


def test_every_client_api_route_resolves_to_the_view_it_did_in_the_flat_list() -> None:
    flat, _, _ = api.urls
    site = get_resolver()
    tried = 0
    for route in flat:
        assert isinstance(route, URLPattern)
        # A concrete path for the route: each converter filled in with a plain id
        url = "/api/" + re.sub(r"<(?:\w+:)?\w+>", "123", str(route.pattern))
        expected = _resolver(list(flat)).resolve(url.removeprefix("/api"))
        found = site.resolve(url)
        # (the same route, name and arguments: the views are made anew on each api.urls)
        assert (found.route, found.url_name, found.kwargs) == (
            "api/" + expected.route,
            expected.url_name,
            expected.kwargs,
        ), url
        tried += 1
    assert tried > 100


def test_the_nested_client_api_passes_djangos_url_checks() -> None:
    # (a nested route must not start with a slash: Django warns, and the deploy check fails)
    assert [str(message) for message in run_checks(tags=[Tags.urls])] == []
