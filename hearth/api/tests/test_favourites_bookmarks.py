"""GET /api/v1/favourites and /api/v1/bookmarks: the member's likes and bookmarks, latest
first, paged by the like's or bookmark's own id through the Link header."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import Account, User
from hearth.accounts.models.user import Visibility
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer
from hearth.api.tests.test_timelines import ids, links, page_through
from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.posts.models import Bookmark, Favourite, Post
from hearth.posts.tests.factories import make_account, make_post

pytestmark = pytest.mark.django_db

Mark = Callable[..., None]
KINDS = [
    pytest.param("/api/v1/favourites", posts.favourite, Favourite, id="favourites"),
    pytest.param("/api/v1/bookmarks", posts.bookmark, Bookmark, id="bookmarks"),
]


@pytest.mark.parametrize(("path", "mark", "model"), KINDS)
def test_latest_marked_first_paged_by_the_relation(
    client: Client,
    user: User,
    ana: dict[str, str],
    path: str,
    mark: Mark,
    model: type[Favourite | Bookmark],
    check: Any,
) -> None:
    # Given 25 posts, which Ana marks in the reverse order of their writing (oldest post last)
    bruno = make_account("bruno")
    made = [make_post(bruno, f"post {n}") for n in range(25)]
    for post in reversed(made):
        mark(actor=user.account, post=post)
    # When her app lists them 10 at a time, following the Link header
    pages = list(page_through(client, f"{path}?limit=10", ana))
    # Then the latest marked comes first: the oldest post
    assert [pk for page in pages for pk in page] == [post.pk for post in made]
    assert [len(page) for page in pages] == [10, 10, 5]
    # and the cursors are the relation's ids, not the posts'
    first = client.get(f"{path}?limit=10", headers=ana)
    check("Status[]", first.json())
    rows = model.objects.filter(account=user.account).order_by("-id")
    assert links(first)["next"].endswith(f"max_id={rows[9].pk}")
    assert links(first)["prev"].endswith(f"min_id={rows[0].pk}")
    flag = "favourited" if model is Favourite else "bookmarked"
    assert all(status[flag] for status in first.json())
    # min_id: the marks made immediately after the cursor, still latest first
    after = client.get(f"{path}?min_id={rows[20].pk}&limit=3", headers=ana)
    assert ids(after) == [made[17].pk, made[18].pk, made[19].pk]


@pytest.mark.parametrize(("path", "mark", "model"), KINDS)
def test_posts_no_longer_visible_drop_out(
    client: Client,
    user: User,
    ana: dict[str, str],
    path: str,
    mark: Mark,
    model: type[Favourite | Bookmark],
) -> None:
    # Given Ana marked Bruno's followers-only post and a public one of Carla's
    bruno, carla = make_account("bruno"), make_account("carla")
    graph.follow(actor=user.account, target=bruno)
    private = make_post(bruno, "for followers", visibility=Visibility.PRIVATE)
    public = make_post(carla, "for all")
    mark(actor=user.account, post=private)
    mark(actor=user.account, post=public)
    assert ids(client.get(path, headers=ana)) == [public.pk, private.pk]
    # When she stops following Bruno and Carla blocks her
    graph.unfollow(actor=user.account, target=bruno)
    graph.block(actor=carla, target=user.account)
    # Then neither shows, though the marks remain
    response = client.get(path, headers=ana)
    assert response.status_code == 200
    assert response.json() == []
    assert "Link" not in response.headers
    assert model.objects.filter(account=user.account).count() == 2


@pytest.mark.parametrize(("path", "mark", "model"), KINDS)
def test_only_the_members_own(
    client: Client,
    user: User,
    ana: dict[str, str],
    bruno: dict[str, str],
    path: str,
    mark: Mark,
    model: type[Favourite | Bookmark],
    check: Any,
) -> None:
    post = make_post(make_account("carla"), "hello")
    mark(actor=user.account, post=post)
    assert ids(client.get(path, headers=ana)) == [post.pk]
    assert client.get(path, headers=bruno).json() == []
    anonymous = client.get(path)
    assert anonymous.status_code == 401
    check("Error", anonymous.json())


@pytest.mark.parametrize(
    ("path", "scope", "allowed"),
    [
        ("/api/v1/favourites", "read:favourites", True),
        ("/api/v1/favourites", "read:bookmarks", False),
        ("/api/v1/bookmarks", "read:bookmarks", True),
        ("/api/v1/bookmarks", "write", False),
    ],
)
def test_scopes(
    client: Client, user: User, registered_app: RegisteredApp, path: str, scope: str, allowed: bool
) -> None:
    response = client.get(path, headers=bearer(user, registered_app, scope))
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize(("path", "mark", "model"), KINDS)
def test_junk_paging_is_ignored(
    client: Client,
    user: User,
    ana: dict[str, str],
    path: str,
    mark: Mark,
    model: type[Favourite | Bookmark],
) -> None:
    post = make_post(make_account("carla"), "hello")
    mark(actor=user.account, post=post)
    response = client.get(f"{path}?max_id=abc&since_id=-4&min_id=&limit=1000", headers=ana)
    assert response.status_code == 200
    assert ids(response) == [post.pk]


@pytest.mark.parametrize(("path", "mark", "model"), KINDS)
def test_query_count_does_not_grow(
    client: Client,
    user: User,
    ana: dict[str, str],
    path: str,
    mark: Mark,
    model: type[Favourite | Bookmark],
    django_assert_max_num_queries: Any,
) -> None:
    counts = []
    for more, total in ((5, 5), (15, 20)):
        for n in range(more):
            author = make_account()
            post: Post = make_post(author, f"#tag{n} hi @ana")
            if n % 2:
                post = posts.reblog(actor=author, post=make_post(make_account(), "original"))
            mark(actor=user.account, post=post)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(path, headers=ana).json()) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[1]):
        client.get(path, headers=ana)


def test_a_repost_marks_its_original(client: Client, user: User, ana: dict[str, str]) -> None:
    bruno: Account = make_account("bruno")
    original = make_post(make_account("carla"), "original")
    repost = posts.reblog(actor=bruno, post=original)
    posts.favourite(actor=user.account, post=repost)
    data = client.get("/api/v1/favourites", headers=ana).json()
    assert [item["id"] for item in data] == [str(original.pk)]
