"""GET /api/v1/accounts/:id/statuses: a profile's posts as the caller may see them, with
Mastodon's filters (exclude_replies, exclude_reblogs, only_media, pinned, tagged) and paging."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import Account, User
from hearth.accounts.models.user import Visibility
from hearth.api.tests.test_timelines import ids, links, media_post, page_through
from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.posts.tests.factories import make_account, make_post

pytestmark = pytest.mark.django_db


def statuses_of(account: Account, query: str = "") -> str:
    return f"/api/v1/accounts/{account.pk}/statuses{'?' if query else ''}{query}"


@pytest.fixture
def bruno_account(other_user: User) -> Account:
    return other_user.account


@pytest.fixture
def profile(user: User, bruno_account: Account) -> dict[str, Post]:
    """Bruno's posts of every kind (Ana exists to be mentioned and replied to)."""
    ana = user.account
    made: dict[str, Post] = {}
    made["plain"] = make_post(bruno_account, "plain #Garden")
    made["thread"] = make_post(bruno_account, "more", in_reply_to=made["plain"])
    made["reply"] = make_post(bruno_account, "@ana hi", in_reply_to=make_post(ana, "hello"))
    made["repost"] = posts.reblog(actor=bruno_account, post=make_post(ana, "ana's #garden"))
    made["photo"] = media_post(bruno_account, "a photo")
    made["private"] = make_post(bruno_account, "followers", visibility=Visibility.PRIVATE)
    made["direct"] = make_post(bruno_account, "@ana psst", visibility=Visibility.DIRECT)
    posts.pin(actor=bruno_account, post=made["plain"])
    return made


def expect(profile: dict[str, Post], *names: str) -> list[int]:
    """The ids of these posts, newest first."""
    return sorted((profile[name].pk for name in names), reverse=True)


def test_default_is_posts_replies_and_reposts(
    client: Client,
    ana: dict[str, str],
    bruno_account: Account,
    profile: dict[str, Post],
    check: Any,
) -> None:
    response = client.get(statuses_of(bruno_account), headers=ana)
    assert response.status_code == 200
    check("Status[]", response.json())
    # Ana doesn't follow Bruno: no followers-only post; direct posts are never on a profile
    assert ids(response) == expect(profile, "plain", "thread", "reply", "repost", "photo")
    repost = next(item for item in response.json() if int(item["id"]) == profile["repost"].pk)
    assert repost["reblog"]["content"].startswith("<p>ana")


def test_filters(
    client: Client, ana: dict[str, str], bruno_account: Account, profile: dict[str, Post]
) -> None:
    def get(query: str) -> list[int]:
        response = client.get(statuses_of(bruno_account, query), headers=ana)
        assert response.status_code == 200
        return ids(response)

    # Replies to others go; a reply in one's own thread stays (Mastodon's exclude_replies)
    assert get("exclude_replies=true") == expect(profile, "plain", "thread", "repost", "photo")
    # Ivory's first request
    assert get("exclude_reblogs=1") == expect(profile, "plain", "thread", "reply", "photo")
    assert get("exclude_replies=1&exclude_reblogs=1") == expect(profile, "plain", "thread", "photo")
    assert get("only_media=true") == expect(profile, "photo")
    assert get("pinned=true") == expect(profile, "plain")
    # tagged: their own posts with the tag, any letter case (the reposted one is Ana's)
    assert get("tagged=garden") == expect(profile, "plain")
    assert get("tagged=%23GARDEN") == expect(profile, "plain")
    assert get("tagged=nothing") == []
    assert get(f"tagged={'x' * 3000}") == []
    # An empty value is no filter
    assert get("tagged=&only_media=") == get("")


def test_bad_flag_is_422_naming_it(
    client: Client, ana: dict[str, str], bruno_account: Account, check: Any
) -> None:
    response = client.get(statuses_of(bruno_account, "exclude_replies=perhaps"), headers=ana)
    assert response.status_code == 422
    check("Error", response.json())
    assert "exclude_replies" in response.json()["error"]


def test_who_sees_what(
    client: Client,
    user: User,
    ana: dict[str, str],
    bruno_account: Account,
    profile: dict[str, Post],
) -> None:
    public = expect(profile, "plain", "thread", "reply", "repost", "photo")
    # Anonymous callers see the public posts
    assert ids(client.get(statuses_of(bruno_account))) == public
    # A follower sees the followers-only post too (never the direct one)
    graph.follow(actor=user.account, target=bruno_account)
    with_private = expect(profile, "plain", "thread", "reply", "repost", "photo", "private")
    assert ids(client.get(statuses_of(bruno_account), headers=ana)) == with_private
    # Blocked by Bruno, Ana gets an empty list (the account itself stays readable)
    graph.block(actor=bruno_account, target=user.account)
    response = client.get(statuses_of(bruno_account), headers=ana)
    assert response.status_code == 200
    assert response.json() == []
    assert "Link" not in response.headers
    assert client.get(statuses_of(bruno_account, "pinned=true"), headers=ana).json() == []


def test_missing_accounts_are_404(client: Client, ana: dict[str, str], check: Any) -> None:
    for account_id in ("9999999", "abc", "-1", "99999999999999999999999"):
        response = client.get(f"/api/v1/accounts/{account_id}/statuses", headers=ana)
        assert response.status_code == 404
        check("Error", response.json())


def test_pages_through_a_long_profile(
    client: Client, ana: dict[str, str], bruno_account: Account
) -> None:
    made = [make_post(bruno_account, f"post {n}").pk for n in range(45)]
    newest_first = made[::-1]
    pages = list(page_through(client, statuses_of(bruno_account, "exclude_reblogs=1"), ana))
    assert pages == [newest_first[:20], newest_first[20:40], newest_first[40:]]
    first = client.get(statuses_of(bruno_account, "exclude_reblogs=1&limit=100"), headers=ana)
    assert len(ids(first)) == 40
    assert "exclude_reblogs=1" in links(first)["next"]
    response = client.get(statuses_of(bruno_account, f"min_id={made[4]}&limit=3"), headers=ana)
    assert ids(response) == [made[7], made[6], made[5]]
    response = client.get(statuses_of(bruno_account, f"since_id={made[4]}&limit=3"), headers=ana)
    assert ids(response) == newest_first[:3]


def test_query_count_does_not_grow(
    client: Client,
    user: User,
    ana: dict[str, str],
    bruno_account: Account,
    django_assert_max_num_queries: Any,
) -> None:
    counts = []
    client.get(statuses_of(bruno_account), headers=ana)  # warms per-member caches (filters)
    for more, total in ((5, 5), (15, 20)):
        for n in range(more):
            if n % 3 == 0:
                posts.reblog(actor=bruno_account, post=make_post(make_account(), "original"))
            else:
                make_post(bruno_account, f"#tag{n} hi @ana")
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(statuses_of(bruno_account), headers=ana).json()) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[1]):
        client.get(statuses_of(bruno_account), headers=ana)


# --- From the cache of rendered posts, as the timelines are ----------------------------------


@pytest.mark.parametrize(
    "query",
    ["", "exclude_replies=1", "exclude_reblogs=1", "only_media=1", "pinned=1", "tagged=garden"],
)
def test_statuses_are_those_of_the_status_endpoint(
    client: Client,
    user: User,
    ana: dict[str, str],
    bruno_account: Account,
    profile: dict[str, Post],
    check: Any,
    query: str,
) -> None:
    # Given Bruno's posts of every kind, one of which Ana liked, another bookmarked
    posts.favourite(actor=user.account, post=profile["plain"])
    posts.bookmark(actor=user.account, post=profile["photo"])
    for headers in ({}, ana, ana):  # anonymous, then Ana cold and warm
        # When his statuses are read with a filter
        response = client.get(statuses_of(bruno_account, query), headers=headers)
        assert response.status_code == 200
        check("Status[]", response.json())
        assert response.json()
        # Then each status is what GET /api/v1/statuses/:id answers that reader
        for status in response.json():
            single = client.get(f"/api/v1/statuses/{status['id']}", headers=headers).json()
            assert status == single


def test_edits_deletes_and_counters_show_at_once(
    client: Client,
    user: User,
    ana: dict[str, str],
    bruno_account: Account,
    profile: dict[str, Post],
) -> None:
    def texts() -> dict[int, tuple[str, int]]:
        statuses = client.get(statuses_of(bruno_account, "exclude_reblogs=1")).json()
        return {int(s["id"]): (s["content"], s["favourites_count"]) for s in statuses}

    before = texts()  # cached now
    assert profile["plain"].pk in before
    # When Bruno edits one post and deletes another, and Ana likes a third
    posts.post_edit(
        post=profile["plain"], editor=bruno_account, text="plain, edited", spoiler_text="",
        sensitive=False,
    )  # fmt: skip
    posts.post_delete(post=profile["photo"], actor=bruno_account)
    posts.favourite(actor=user.account, post=profile["thread"])
    # Then the next read shows all three
    after = texts()
    assert after[profile["plain"].pk][0] == "<p>plain, edited</p>"
    assert profile["photo"].pk not in after
    assert after[profile["thread"].pk][1] == before[profile["thread"].pk][1] + 1


@pytest.mark.parametrize("signed_in", [False, True])
def test_warm_reads_cost_the_same_however_long(
    client: Client,
    ana: dict[str, str],
    bruno_account: Account,
    django_assert_max_num_queries: Any,
    signed_in: bool,
) -> None:
    headers = ana if signed_in else {}
    counts = []
    for more, total in ((5, 5), (15, 20)):
        for n in range(more):
            if n % 3 == 0:
                posts.reblog(actor=bruno_account, post=make_post(make_account(), "original"))
            else:
                make_post(bruno_account, f"#tag{n} hi @ana")
        client.get(statuses_of(bruno_account), headers=headers)  # every status cached
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(statuses_of(bruno_account), headers=headers).json()) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Anonymous: the account, the page's ids, the stamps; a member adds the token and flags
    with django_assert_max_num_queries(5 if signed_in else 3):
        client.get(statuses_of(bruno_account), headers=headers)
