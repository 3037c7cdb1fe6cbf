"""The /search page and the search box in the header."""

import pytest

from hearth.accounts.models.user import Visibility
from hearth.graph import services as graph
from hearth.posts.tests.factories import make_account, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(user):
    return user.account


def main(response):
    body = response.content.decode()
    return body[body.index("<main") :]


def test_the_header_has_a_search_box(client_with_user):
    body = client_with_user.get("/lists").content.decode()
    assert 'role="search"' in body
    assert '<label for="site-search-q" class="visually-hidden">Search</label>' in body


def test_an_empty_query_explains_what_can_be_searched(client):
    for params in ({}, {"q": ""}, {"q": "    "}, {"type": "posts"}):
        response = client.get("/search", params)
        assert response.status_code == 200
        assert "What are you looking for?" in main(response)


def test_people_tab_with_follow_buttons(client_with_user, ana):
    carla = make_account("carla")
    graph.follow(actor=ana, target=carla)
    make_account("carmen")
    body = main(client_with_user.get("/search", {"q": "car"}))
    assert 'aria-current="page">People</a>' in body
    assert "Unfollow @carla" in body
    assert "Follow @carmen" in body


def test_posts_tab_shows_only_posts_the_viewer_may_see(client_with_user, ana):
    stranger, friend = make_account("zed"), make_account("fred")
    graph.follow(actor=ana, target=friend)
    make_post(stranger, "secret stranger", visibility=Visibility.PRIVATE)
    make_post(friend, "secret friend", visibility=Visibility.PRIVATE)
    make_post(stranger, "secret public")
    body = main(client_with_user.get("/search", {"q": "secret", "type": "posts"}))
    assert "secret friend" in body
    assert "secret public" in body
    assert "secret stranger" not in body


def test_hashtags_tab_opens_for_a_hash_query(client, ana):
    make_post(ana, "#gardening is fun")
    body = main(client.get("/search", {"q": "#garden"}))
    assert 'aria-current="page">Hashtags</a>' in body
    assert 'href="/tags/gardening"' in body


def test_nothing_found_says_so_per_tab(client):
    assert "Nobody found" in main(client.get("/search", {"q": "qqq"}))
    assert "No posts found" in main(client.get("/search", {"q": "qqq", "type": "posts"}))
    assert "No hashtags found" in main(client.get("/search", {"q": "qqq", "type": "hashtags"}))


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": "%_\\"},
        {"q": '"a" -b or (c'},
        {"q": "a", "type": "nonsense", "page": "abc"},
        {"q": "a", "page": "-5"},
    ],
)
def test_odd_input_never_fails(client, params):
    assert client.get("/search", params).status_code == 200


def test_a_nul_byte_is_a_bad_request_not_an_error(client):
    # The site's middleware refuses NUL bytes in queries before any view runs.
    assert client.get("/search", {"q": "a\x00b"}).status_code == 400


def test_more_results_page(client, ana):
    for n in range(21):
        make_post(ana, f"repeat {n}")
    first = main(client.get("/search", {"q": "repeat", "type": "posts"}))
    assert first.count("<article") == 20
    assert 'rel="next"' in first
    second = main(client.get("/search", {"q": "repeat", "type": "posts", "page": 2}))
    assert second.count("<article") == 1
    assert 'rel="prev"' in second
