"""/api/v1/timelines: home (the feed engine, on each feed store), public and hashtag timelines,
with Mastodon's paging and Link header, and who sees what on them."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import Account, User
from hearth.accounts.models.user import Visibility
from hearth.accounts.tests import imagefiles
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer
from hearth.graph import services as graph
from hearth.media import services as media
from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.posts.tests.factories import make_account, make_post
from hearth.timelines.tests.conftest import redis_settings  # noqa: F401  # a fixture

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


# --- Helpers shared with the other list endpoints' tests -------------------------------------


def links(response: Any) -> dict[str, str]:
    """{rel: URL} from the Link header, in the header's order; {} without one."""
    return {rel: url for url, rel in LINK.findall(response.headers.get("Link", ""))}


def ids(response: Any) -> list[int]:
    return [int(item["id"]) for item in response.json()]


def media_post(author: Account, text: str = "look", **kwargs: Any) -> Post:
    """A post carrying one (processed) photo."""
    photo = media.media_upload(
        owner=author, file=imagefiles.upload(imagefiles.png(32, 32)), description="a photo"
    )
    return posts.post_create(
        author=author, text=text, visibility=Visibility.PUBLIC, media_ids=[photo.pk], **kwargs
    )


def page_through(client: Client, url: str, headers: dict[str, str]) -> Iterator[list[int]]:
    """Each page's ids, following rel="next" until a page has none."""
    for _ in range(20):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        yield ids(response)
        found = links(response)
        if "next" not in found:
            return
        url = found["next"]
    pytest.fail("paging did not end")


@pytest.fixture(params=["database", "redis"])
def feed_store(request: pytest.FixtureRequest, settings: Any) -> str:
    """Run the test on each home feed store: the database table and Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_settings")
    else:
        settings.REDIS_URL = ""
    return str(request.param)


@pytest.fixture
def ana_account(user: User) -> Account:
    return user.account


@pytest.fixture
def bruno_account(other_user: User) -> Account:
    return other_user.account


# --- Home ------------------------------------------------------------------------------------


def test_home_shows_follows_and_self_not_strangers(
    client: Client,
    feed_store: str,
    ana: dict[str, str],
    ana_account: Account,
    bruno_account: Account,
    check: Any,
) -> None:
    # Given Ana follows Bruno; Bruno posts publicly and for followers, a stranger posts too
    graph.follow(actor=ana_account, target=bruno_account)
    carla = make_account("carla")
    own = make_post(ana_account, "mine")
    public = make_post(bruno_account, "hello")
    private = make_post(bruno_account, "friends only", visibility=Visibility.PRIVATE)
    make_post(carla, "stranger")
    make_post(carla, "stranger, private", visibility=Visibility.PRIVATE)
    # When Ana's app reads her home
    response = client.get("/api/v1/timelines/home", headers=ana)
    # Then it is her follows' and her own posts, newest first, as Mastodon Statuses
    assert response.status_code == 200
    data = response.json()
    check("Status[]", data)
    assert ids(response) == [private.pk, public.pk, own.pk]
    assert data[0]["visibility"] == "private"
    assert data[0]["account"]["username"] == "bruno"


def test_home_for_anonymous_is_401_json(client: Client, check: Any) -> None:
    response = client.get("/api/v1/timelines/home")
    assert response.status_code == 401
    check("Error", response.json())


def test_home_needs_a_read_scope(
    client: Client, user: User, registered_app: RegisteredApp, check: Any
) -> None:
    response = client.get("/api/v1/timelines/home", headers=bearer(user, registered_app, "write"))
    assert response.status_code == 403
    check("Error", response.json())
    granular = bearer(user, registered_app, "read:statuses")
    assert client.get("/api/v1/timelines/home", headers=granular).status_code == 200


def test_home_pages_back_and_forth_over_50_posts(
    client: Client,
    feed_store: str,
    ana: dict[str, str],
    ana_account: Account,
    bruno_account: Account,
) -> None:
    # Given 50 posts in Ana's home (the oldest is made[0])
    graph.follow(actor=ana_account, target=bruno_account)
    made = [make_post(bruno_account, f"post {n}").pk for n in range(50)]
    newest_first = made[::-1]
    # When her app pages back through it by the Link header, 20 at a time
    pages = list(page_through(client, "/api/v1/timelines/home?limit=20", ana))
    # Then it gets every post once, newest first, and the last page has no next
    assert pages == [newest_first[:20], newest_first[20:40], newest_first[40:]]
    # max_id: strictly older than the cursor
    response = client.get(f"/api/v1/timelines/home?max_id={made[30]}&limit=5", headers=ana)
    assert ids(response) == [made[29], made[28], made[27], made[26], made[25]]
    # min_id: the page immediately newer than the cursor, still newest first
    response = client.get(f"/api/v1/timelines/home?min_id={made[10]}&limit=5", headers=ana)
    assert ids(response) == [made[15], made[14], made[13], made[12], made[11]]
    # since_id: the newest page above the cursor (a gap below it is fine)
    response = client.get(f"/api/v1/timelines/home?since_id={made[10]}&limit=5", headers=ana)
    assert ids(response) == newest_first[:5]
    # max_id with min_id: a window
    window = f"max_id={made[20]}&min_id={made[10]}&limit=40"
    response = client.get(f"/api/v1/timelines/home?{window}", headers=ana)
    assert ids(response) == made[11:20][::-1]
    # and paging up from the oldest by the prev links walks back to the top without gaps
    url = f"/api/v1/timelines/home?min_id={made[0]}&limit=20"
    seen: list[int] = []
    while True:
        response = client.get(url, headers=ana)
        if not ids(response):
            break
        seen = ids(response) + seen
        url = links(response)["prev"]
    assert seen == newest_first[:-1]


def _fill_home(ana: Account, count: int) -> None:
    """`count` posts in Ana's home by different people, with likes, tags, mentions, reposts."""
    for n in range(count):
        author = make_account()
        graph.follow(actor=ana, target=author)
        post = make_post(author, f"hello #tag{n} @ana")
        posts.favourite(actor=ana, post=post)
        if n % 3 == 0:
            posts.reblog(actor=author, post=make_post(ana, f"ana {n}"))


def test_home_query_count_does_not_grow_with_the_page(
    client: Client,
    feed_store: str,
    ana: dict[str, str],
    ana_account: Account,
    django_assert_max_num_queries: Any,
) -> None:
    counts = []
    for more in (5, 15):
        # Given a home of 5, then 20 people's posts (and Ana's reposted ones), none rendered
        _fill_home(ana_account, more)
        client.get("/api/v1/timelines/home", headers=ana)  # (re)builds the feed if needed
        cache.clear()
        client.get("/api/v1/timelines/home?max_id=1", headers=ana)  # an empty page
        # When a page is read cold (rendering every status), then warm (from the cache)
        with CaptureQueriesContext(connection) as cold:
            response = client.get("/api/v1/timelines/home?limit=40", headers=ana)
        assert len(response.json()) >= 5 if more == 5 else 20
        with CaptureQueriesContext(connection) as warm:
            again = client.get("/api/v1/timelines/home?limit=40", headers=ana)
        assert again.json() == response.json()
        counts.append((len(cold), len(warm)))
    # Then a long page costs what a short one does, cold or warm
    assert counts[0] == counts[1], counts
    # Warm: the token, the feed (the database store; none for Redis), the pending fan-outs
    # and their posts, the visible posts' stamps, the viewer's flags, the accounts whose
    # reposts are hidden (the page has reposts). Cold adds the posts to render, their
    # mentions, hashtags and photos.
    with django_assert_max_num_queries(7):
        client.get("/api/v1/timelines/home?limit=40", headers=ana)
    assert counts[1][0] <= counts[1][1] + 4, counts


# --- Public and hashtag ----------------------------------------------------------------------


def test_public_timeline_works_anonymously(
    client: Client, user: User, bruno_account: Account, check: Any
) -> None:
    shown = make_post(bruno_account, "open to all #garden")
    make_post(bruno_account, "quietly", visibility=Visibility.UNLISTED)
    make_post(bruno_account, "friends", visibility=Visibility.PRIVATE)
    make_post(bruno_account, "direct @ana", visibility=Visibility.DIRECT)
    posts.reblog(actor=make_account("carla"), post=shown)
    for path in ("/api/v1/timelines/public", "/api/v1/timelines/public/"):
        response = client.get(path)
        assert response.status_code == 200
        check("Status[]", response.json())
        assert ids(response) == [shown.pk]
        assert response.json()[0]["favourited"] is False


@pytest.mark.parametrize("path", ["/api/v1/timelines/public", "/api/v1/timelines/tag/sun"])
def test_public_statuses_are_those_of_the_status_endpoint(
    client: Client,
    ana: dict[str, str],
    ana_account: Account,
    bruno_account: Account,
    check: Any,
    path: str,
) -> None:
    # Given public posts of every shape: a photo, a tag and a mention, one Ana liked
    photo = media_post(bruno_account, "see #sun")
    mention = make_post(bruno_account, "hi @ana and #sun")
    posts.favourite(actor=ana_account, post=mention)
    for headers in ({}, ana, ana):  # anonymous, then Ana cold and warm
        # When the public (or hashtag) timeline is read
        response = client.get(path, headers=headers)
        check("Status[]", response.json())
        # Then each status is what GET /api/v1/statuses/:id answers that reader
        assert ids(response) == [mention.pk, photo.pk]
        for status in response.json():
            single = client.get(f"/api/v1/statuses/{status['id']}", headers=headers).json()
            assert status == single
        assert response.json()[0]["favourited"] is bool(headers)


def test_public_local_remote_and_only_media(
    client: Client, ana: dict[str, str], bruno_account: Account, check: Any
) -> None:
    text_only = make_post(bruno_account, "words")
    photo = media_post(bruno_account)
    # Every post is local: local=true is everything, remote=true nothing
    response = client.get("/api/v1/timelines/public?local=true", headers=ana)
    assert ids(response) == [photo.pk, text_only.pk]
    response = client.get("/api/v1/timelines/public?remote=1", headers=ana)
    assert response.status_code == 200
    assert response.json() == []
    assert "Link" not in response.headers
    response = client.get("/api/v1/timelines/public?only_media=true&local=1", headers=ana)
    check("Status[]", response.json())
    assert ids(response) == [photo.pk]
    # The Link keeps the filters
    assert "only_media=true" in links(response)["prev"]
    assert "local=1" in links(response)["prev"]


def test_tag_timeline(client: Client, bruno_account: Account, check: Any) -> None:
    tagged = make_post(bruno_account, "in the #Garden today")
    with_photo = media_post(bruno_account, "more #garden")
    make_post(bruno_account, "#garden but unlisted", visibility=Visibility.UNLISTED)
    make_post(bruno_account, "no tag here")
    response = client.get("/api/v1/timelines/tag/GARDEN")
    assert response.status_code == 200
    check("Status[]", response.json())
    assert ids(response) == [with_photo.pk, tagged.pk]
    assert ids(client.get("/api/v1/timelines/tag/garden?only_media=1&local=true")) == [
        with_photo.pk
    ]
    assert ids(client.get("/api/v1/timelines/tag/garden?remote=true")) == []
    assert client.get("/api/v1/timelines/tag/nothing").json() == []
    response = client.get(f"/api/v1/timelines/tag/{'x' * 5000}")
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("path", ["/api/v1/timelines/public", "/api/v1/timelines/tag/garden"])
def test_blocked_and_muted_authors_are_absent(
    client: Client,
    feed_store: str,
    ana: dict[str, str],
    ana_account: Account,
    bruno_account: Account,
    path: str,
) -> None:
    # Given Ana follows three people: one she mutes, one she blocks, one who blocks her
    carla, dora, emil = make_account("carla"), make_account("dora"), make_account("emil")
    for who in (bruno_account, carla, dora, emil):
        graph.follow(actor=ana_account, target=who)
    kept = make_post(bruno_account, "kept #garden")
    make_post(carla, "muted #garden")
    make_post(dora, "blocked #garden")
    make_post(emil, "blocker #garden")
    graph.mute(actor=ana_account, target=carla, hide_notifications=True)
    graph.block(actor=ana_account, target=dora)
    graph.block(actor=emil, target=ana_account)
    # Then neither the timeline nor her home shows them
    assert ids(client.get(path, headers=ana)) == [kept.pk]
    assert ids(client.get("/api/v1/timelines/home", headers=ana)) == [kept.pk]
    # while a logged-out reader sees them all
    assert len(ids(client.get(path))) == 4


# --- Paging rules, on the public timeline ----------------------------------------------------


@pytest.fixture
def many(bruno_account: Account) -> list[int]:
    """45 public posts, oldest first."""
    return [make_post(bruno_account, f"post {n}").pk for n in range(45)]


@pytest.mark.parametrize(
    ("limit", "size"),
    [("100", 40), ("40", 40), ("0", 1), ("-3", 1), ("abc", 20), ("", 20), ("1e3", 20)],
)
def test_limit_is_clamped_never_refused(
    client: Client, many: list[int], limit: str, size: int
) -> None:
    response = client.get(f"/api/v1/timelines/public?limit={limit}")
    assert response.status_code == 200
    assert ids(response) == many[::-1][:size]


@pytest.mark.parametrize("junk", ["abc", "-1", "99999999999999999999999", "1.5", ""])
def test_junk_cursors_are_ignored(client: Client, many: list[int], junk: str) -> None:
    # A cursor that is not a 64-bit id is treated as absent (Hearth's choice; never a 500)
    for name in ("max_id", "since_id", "min_id"):
        response = client.get(f"/api/v1/timelines/public?{name}={junk}")
        assert response.status_code == 200
        assert ids(response) == many[::-1][:20]


def test_bad_flag_is_422_naming_it(client: Client, check: Any) -> None:
    response = client.get("/api/v1/timelines/public?only_media=maybe")
    assert response.status_code == 422
    check("Error", response.json())
    assert "only_media" in response.json()["error"]


def test_link_header_format(client: Client, many: list[int]) -> None:
    response = client.get("/api/v1/timelines/public?limit=20&local=true")
    header = response.headers["Link"]
    newest_first = many[::-1]
    # next first (toot anchors its match at the start), absolute, other params kept
    assert header == (
        f"<http://testserver/api/v1/timelines/public?limit=20&local=true&max_id={newest_first[19]}>;"
        f' rel="next", '
        f"<http://testserver/api/v1/timelines/public?limit=20&local=true&min_id={newest_first[0]}>;"
        f' rel="prev"'
    )
    # The last page: prev only
    last = client.get(f"/api/v1/timelines/public?limit=20&max_id={newest_first[39]}")
    assert ids(last) == newest_first[40:]
    assert list(links(last)) == ["prev"]
    # An empty page: no Link at all
    empty = client.get(f"/api/v1/timelines/public?min_id={newest_first[0]}")
    assert empty.json() == []
    assert "Link" not in empty.headers


def test_public_query_count_does_not_grow(
    client: Client, bruno_account: Account, django_assert_max_num_queries: Any
) -> None:
    counts = []
    for more, total in ((5, 5), (15, 20)):
        for n in range(more):
            make_post(make_account(), f"#tag{n} hello @bruno")
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get("/api/v1/timelines/public").json()) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[1]):
        client.get("/api/v1/timelines/public")
