"""Lists of posts: the public timeline, a hashtag, the member's bookmarks and likes, the "new
posts" count polled by the home page, and the posts part of a profile."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.accounts.models import Account
from hearth.timelines import selectors
from hearth.timelines.selectors import Cursor, TimelinePage
from hearth.web.cards import CardPage, cards_page
from hearth.web.views.filters import filtered_page
from hearth.web.views.relationships import is_htmx, member_account, viewer_account

#: The profile's tabs: (name in the URL, label).
PROFILE_TABS = (("posts", "Posts"), ("with_replies", "Posts & replies"), ("media", "Media"))


def _cursor(request: HttpRequest) -> Cursor:
    return Cursor(max_id=request.GET.get("max_id"))


def _list_page(
    request: HttpRequest, page: TimelinePage | CardPage, context: dict[str, object]
) -> HttpResponse:
    """A timeline page, or with htmx asking for an older page, only its posts (infinite scroll)."""
    context |= {"page": page, "viewer": viewer_account(request), "next_url": request.path}
    if is_htmx(request) and request.GET.get("max_id") is not None:
        return render(request, "web/timelines/_page.html", context)
    return render(request, "web/timelines/list.html", context)


def public(request: HttpRequest) -> HttpResponse:
    """The public timeline, drawn from cached cards as the home page is (hearth.web.cards): the
    page a surge of visitors lands on."""
    viewer = viewer_account(request)
    stamps = selectors.local_timeline_stamps(viewer, _cursor(request))
    page, muted_words = filtered_page(viewer, "public", cards_page(request, viewer, stamps))
    return _list_page(request, page, {"kind": "public", "muted_words": muted_words})


def hashtag(request: HttpRequest, tag: str) -> HttpResponse:
    """A hashtag's posts, from cached cards as the public timeline is."""
    tag = tag.removeprefix("#")[:100]
    viewer = viewer_account(request)
    stamps = selectors.hashtag_timeline_stamps(viewer, tag, _cursor(request))
    return _list_page(request, cards_page(request, viewer, stamps), {"kind": "hashtag", "tag": tag})


@login_required
def bookmarks(request: HttpRequest) -> HttpResponse:
    """The member's bookmarks, from cached cards as the public timeline is."""
    viewer = member_account(request)
    stamps = selectors.bookmarks_timeline_stamps(viewer, _cursor(request))
    return _list_page(request, cards_page(request, viewer, stamps), {"kind": "bookmarks"})


@login_required
def favourites(request: HttpRequest) -> HttpResponse:
    """The posts the member liked, from cached cards as the public timeline is."""
    viewer = member_account(request)
    stamps = selectors.favourites_timeline_stamps(viewer, _cursor(request))
    return _list_page(request, cards_page(request, viewer, stamps), {"kind": "favourites"})


@login_required
def home_new(request: HttpRequest) -> HttpResponse:
    """How many posts arrived in the member's home since `since_id`, as the button the home
    page shows (empty when none). Polled by htmx every 30 seconds."""
    count = selectors.home_newer_count(member_account(request), request.GET.get("since_id"))
    return render(request, "web/timelines/_new_posts.html", {"count": count})


def profile_posts(
    request: HttpRequest, account: Account, viewer: Account | None, tab: str
) -> dict[str, object]:
    """What a profile's posts area needs: the tab's page, and the pinned posts on the first
    page of the Posts tab. The Posts and Posts & replies tabs are drawn from cached cards as
    the public timeline is (a profile is where a surge of visitors lands); the Media tab's
    grid of photos, and the few pinned posts (labelled "Pinned"), are rendered directly."""
    cursor = _cursor(request)
    page: TimelinePage | CardPage
    if tab == "media":
        page = selectors.profile_timeline(viewer, account, only_media=True, cursor=cursor)
    else:
        stamps = selectors.profile_timeline_stamps(
            viewer, account, with_replies=tab == "with_replies", cursor=cursor
        )
        page = cards_page(request, viewer, stamps)
    first_page = cursor.max_id is None
    pinned = selectors.pinned(viewer, account) if tab == "posts" and first_page else []
    return {
        "tab": tab,
        "tabs": PROFILE_TABS,
        "page": page,
        "pinned": pinned,
        "viewer": viewer,
        "next_url": request.path,
    }
