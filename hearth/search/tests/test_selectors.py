"""Search selectors: prefixes for accounts and hashtags, words for posts, and visibility."""

import pytest
from django.db import connection

from hearth.accounts.models.user import Visibility
from hearth.accounts.services import profile_update
from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.posts.tests.factories import make_account, make_post
from hearth.search.selectors import (
    MAX_LIMIT,
    clean_query,
    search_accounts,
    search_hashtags,
    search_posts,
    window,
)

pytestmark = pytest.mark.django_db


def named(account, display_name):
    profile_update(
        account=account,
        display_name=display_name,
        bio="",
        links=[],
        locked=False,
        discoverable=True,
        hide_network=False,
    )
    account.refresh_from_db()
    return account


def test_accounts_by_username_or_display_name_prefix_any_case():
    ana = make_account("ana")
    anabel = named(make_account("zz_anabel"), "Anabel Smith")
    make_account("bruno")
    found = search_accounts(viewer=None, query="ANA", page=window())
    assert found == [ana, anabel]  # the exact username first
    assert search_accounts(viewer=None, query="@ana@testserver.example", page=window()) == []
    assert search_accounts(viewer=None, query="smith", page=window()) == []  # prefix, not infix


def test_accounts_leave_out_blocks_and_can_be_limited_to_followed():
    viewer, carla, carmen = make_account("viewer"), make_account("carla"), make_account("carmen")
    graph.block(actor=carmen, target=viewer)
    assert search_accounts(viewer=viewer, query="car") == [carla]
    assert search_accounts(viewer=viewer, query="car", following=True) == []
    graph.follow(actor=viewer, target=carla)
    assert search_accounts(viewer=viewer, query="car", following=True) == [carla]
    assert search_accounts(viewer=None, query="car", following=True) == []


def test_wildcards_are_literal():
    make_account("ana")
    assert search_accounts(viewer=None, query="%") == []
    assert search_accounts(viewer=None, query="_na") == []


def test_hashtags_by_prefix_exact_first():
    author = make_account("ana")
    make_post(author, "#Cats #cat #caterpillar #dog")
    names = [tag.name for tag in search_hashtags(query="#CAT")]
    assert names == ["cat", "Cats", "caterpillar"]
    assert search_hashtags(query="two words") == []


def test_posts_by_words_newest_first():
    author = make_account("ana")
    older = make_post(author, "The garden is blooming")
    newer = make_post(author, "My GARDEN tomatoes")
    make_post(author, "nothing to see")
    assert search_posts(viewer=None, query="garden") == [newer, older]
    assert search_posts(viewer=None, query="garden tomatoes") == [newer]


def test_posts_only_those_the_viewer_may_see():
    viewer, stranger, friend, blocker = (make_account(n) for n in ("mia", "zed", "fred", "bob"))
    graph.follow(actor=viewer, target=friend)
    shown = make_post(stranger, "secret public", visibility=Visibility.PUBLIC)
    make_post(stranger, "secret followers", visibility=Visibility.PRIVATE)
    from_friend = make_post(friend, "secret friend", visibility=Visibility.PRIVATE)
    by_blocker = make_post(blocker, "secret blocked", visibility=Visibility.PUBLIC)
    graph.block(actor=blocker, target=viewer)
    make_post(stranger, "secret direct @mia", visibility=Visibility.DIRECT)
    posts.reblog(actor=friend, post=shown)
    assert search_posts(viewer=viewer, query="secret") == [from_friend, shown]
    # Visitors see public posts only; a block hides posts from the blocked viewer alone
    assert search_posts(viewer=None, query="secret") == [by_blocker, shown]
    assert search_posts(viewer=viewer, query="secret", account_id=friend.pk) == [from_friend]


def test_windows_and_queries_are_clamped():
    assert window(limit=1000, offset=-5).limit == MAX_LIMIT
    assert window(limit=0).limit == 1
    assert window(offset=10**9).offset == 1000
    assert len(clean_query("x" * 10_000)) == 200
    assert clean_query("  a \x00  b ") == "a b"
    assert search_posts(viewer=None, query="   ") == []
    assert search_accounts(viewer=None, query="") == []


@pytest.mark.postgres
def test_postgres_uses_the_indexes():
    author = make_account("ana")
    make_post(author, "indexed words")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM posts_post "
            "WHERE to_tsvector('simple'::regconfig, text) @@ websearch_to_tsquery('simple', 'x')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        assert "search_post_text_fts" in plan
        cursor.execute(
            "EXPLAIN SELECT id FROM accounts_account WHERE LOWER(username)::text LIKE 'an%'"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        assert "search_account_username_prefix" in plan
        cursor.execute("SET enable_seqscan = on")
