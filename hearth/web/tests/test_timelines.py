"""Timeline pages through the test client (home, public, hashtag, bookmarks, likes, profile
tabs) and the authorization matrix: who sees a post on which page."""

import pytest
from django.test import Client

from hearth.accounts.models.user import Visibility
from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.posts.tests.factories import make_account, make_post
from hearth.testing.fixtures import make_user

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ana(user):
    return user.account


@pytest.fixture
def bruno(other_user):
    return other_user.account


def main(response):
    body = response.content.decode()
    return body[body.index("<main") :]


# --- Home ------------------------------------------------------------------------------------


def test_a_new_members_home_explains_what_to_do_first(client_with_user, bruno):
    body = main(client_with_user.get("/"))
    assert "Your timeline is quiet for now" in body
    assert "Follow a few people" in body
    assert 'href="/public"' in body
    # The compose box, labelled, with a counter and the content warning behind a toggle
    assert '<label for="id_text">What’s on your mind?</label>' in body
    assert "Up to 500 characters" in body
    assert "Add a content warning" in body
    # And bruno suggested, with a follow button
    assert "Who to follow" in body
    assert "Follow @bruno" in body


def test_home_shows_followed_posts_and_not_strangers(client_with_user, ana, bruno):
    graph.follow(actor=ana, target=bruno)
    make_post(bruno, "from a friend")
    make_post(make_account("zed"), "from a stranger")
    body = main(client_with_user.get("/"))
    assert "from a friend" in body
    assert "from a stranger" not in body
    assert "Follow @bruno" not in body  # followed: not suggested


def test_home_loads_older_posts_by_link_and_by_htmx(client_with_user, ana):
    made = [make_post(ana, f"number {n:02d}") for n in range(25)]
    body = main(client_with_user.get("/"))
    assert "number 24" in body
    assert "number 04" not in body
    older = f"?max_id={made[5].pk}"
    assert f'href="{older}"' in body
    assert f'hx-get="{older}"' in body
    assert 'hx-trigger="revealed"' in body
    plain = main(client_with_user.get("/" + older))
    assert "number 04" in plain
    assert "number 05" not in plain
    fragment = client_with_user.get("/" + older, **HTMX).content.decode()
    assert "<html" not in fragment
    assert "number 00" in fragment
    assert "timeline__chunk" in fragment


def test_home_ignores_a_non_numeric_max_id(client_with_user, ana):
    make_post(ana, "still shown")
    for junk in ("abc", "-1", "99999999999999999999999", "1e9"):
        response = client_with_user.get(f"/?max_id={junk}")
        assert response.status_code == 200
        assert "still shown" in main(response)


def test_new_posts_indicator_counts_posts_since_the_top(client_with_user, ana, bruno):
    graph.follow(actor=ana, target=bruno)
    top = make_post(bruno, "seen")
    body = main(client_with_user.get("/"))
    assert f'hx-get="/home/new?since_id={top.pk}"' in body
    assert "every 30s" in body
    assert client_with_user.get(f"/home/new?since_id={top.pk}").content.strip() == b""
    make_post(bruno, "new one")
    make_post(bruno, "new two")
    indicator = client_with_user.get(f"/home/new?since_id={top.pk}").content.decode()
    assert "Show 2 new posts" in indicator
    assert 'href="/"' in indicator


@pytest.mark.parametrize("length", [5, 20])
def test_home_page_query_count_does_not_grow_with_the_page(
    client_with_user, ana, length, django_assert_max_num_queries
):
    for n in range(length):
        author = make_account()
        graph.follow(actor=ana, target=author)
        post = make_post(author, f"hello #tag{n} @ana")
        posts.favourite(actor=ana, post=post)
        if n % 3 == 0:
            posts.reblog(actor=author, post=make_post(ana, f"ana {n}"))
    client_with_user.get("/")
    with django_assert_max_num_queries(16):
        response = client_with_user.get("/")
    assert main(response).count("<article") == 20 if length == 20 else length + 2


# --- Other timelines -------------------------------------------------------------------------


def test_public_timeline_for_visitors_shows_public_posts_only(client, bruno):
    make_post(bruno, "open to all")
    make_post(bruno, "quietly", visibility=Visibility.UNLISTED)
    body = main(client.get("/public"))
    assert "open to all" in body
    assert "quietly" not in body
    assert "Log in to interact" not in body  # counts only, no buttons
    assert "Like (" not in body


def test_hashtag_page(client, bruno):
    make_post(bruno, "baking #Bread today")
    make_post(bruno, "nothing here")
    body = main(client.get("/tags/bread"))
    assert "baking" in body
    assert "nothing here" not in body
    assert "No posts tagged #cheese" in main(client.get("/tags/cheese"))


def test_bookmarks_and_likes_are_for_members(client_with_user, ana, bruno):
    visitor = Client()
    assert visitor.get("/bookmarks").status_code == 302
    assert visitor.get("/favourites").status_code == 302
    post = make_post(bruno, "liked post")
    posts.favourite(actor=ana, post=post)
    assert "liked post" in main(client_with_user.get("/favourites"))
    assert "No bookmarks yet" in main(client_with_user.get("/bookmarks"))


def test_timeline_pages_survive_bad_cursors(client_with_user):
    for path in ("/public", "/tags/x", "/bookmarks", "/favourites", "/@ana", "/home/new"):
        assert client_with_user.get(path + "?max_id=nope&since_id=%00").status_code in (200, 400)


# --- Profile tabs ----------------------------------------------------------------------------


def test_profile_tabs(client, ana, bruno):
    make_post(ana, "own post")
    make_post(ana, "@bruno a reply", in_reply_to=make_post(bruno, "bruno asks"))
    posts_tab = main(client.get("/@ana"))
    assert "own post" in posts_tab
    assert "a reply" not in posts_tab
    assert 'aria-current="page">Posts</a>' in posts_tab
    replies_tab = main(client.get("/@ana/with_replies"))
    assert "own post" in replies_tab
    assert "a reply" in replies_tab
    media_tab = main(client.get("/@ana/media"))
    assert "No photos yet" in media_tab
    assert "own post" not in media_tab


def test_profile_without_posts_keeps_its_empty_state(client_with_user, ana, bruno):
    assert "No posts yet" in main(Client().get("/@bruno"))
    assert "Write your first post" in main(client_with_user.get("/@ana"))


# --- Authorization matrix --------------------------------------------------------------------
# One post by "ada" at each visibility, read by each kind of viewer on each surface. The text
# shows where the visibility rules (hearth.posts.selectors) and the lists' own rules say it
# should, and nowhere else.

VIEWERS = [
    "author",
    "follower",
    "non_follower",
    "mentioned",
    "blocked_by_author",
    "blocker_of_author",
    "anonymous",
]
EVERYONE_UNBLOCKED = {"author", "follower", "non_follower", "mentioned", "anonymous"}
CAN_SEE = {
    Visibility.PUBLIC: EVERYONE_UNBLOCKED,
    Visibility.UNLISTED: EVERYONE_UNBLOCKED,
    Visibility.PRIVATE: {"author", "follower"},
    # A followers-only post does not widen to the people it mentions (unlike Mastodon).
    Visibility.DIRECT: {"author", "mentioned"},
}
EXPECTED = {
    "post_page": CAN_SEE,
    "replies": CAN_SEE,
    # Direct posts are conversations, not profile content.
    "profile": {**CAN_SEE, Visibility.DIRECT: set()},
    # Home holds the people one follows and oneself; the mentioned viewer doesn't follow ada.
    "home": {
        Visibility.PUBLIC: {"author", "follower"},
        Visibility.UNLISTED: {"author", "follower"},
        Visibility.PRIVATE: {"author", "follower"},
        Visibility.DIRECT: {"author"},
    },
    "public_and_hashtag": {
        Visibility.PUBLIC: EVERYONE_UNBLOCKED,
        Visibility.UNLISTED: set(),
        Visibility.PRIVATE: set(),
        Visibility.DIRECT: set(),
    },
}


@pytest.fixture
def cast(db):
    ada = make_user("ada").account
    people = {
        "author": ada,
        "follower": make_user("fay").account,
        "non_follower": make_user("nico").account,
        "mentioned": make_user("mia").account,
        "blocked_by_author": make_user("bob").account,
        "blocker_of_author": make_user("bea").account,
        "anonymous": None,
    }
    graph.follow(actor=people["follower"], target=ada)
    graph.follow(actor=people["blocked_by_author"], target=ada)
    graph.follow(actor=people["blocker_of_author"], target=ada)
    graph.block(actor=ada, target=people["blocked_by_author"])
    graph.block(actor=people["blocker_of_author"], target=ada)
    return people


@pytest.mark.parametrize("surface", list(EXPECTED))
@pytest.mark.parametrize("visibility", list(CAN_SEE))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_authorization_matrix(client, cast, surface, visibility, viewer):
    # Given ada's post (or, for "replies", ada's reply under ray's public post)
    ada = cast["author"]
    text = f"Secret words {visibility}"
    parent = None
    if surface == "replies":
        parent = make_post(make_user("ray").account, "ray asks")
    post = make_post(ada, f"{text} @mia #matrix", visibility=visibility, in_reply_to=parent)
    account = cast[viewer]
    if account is not None:
        client.force_login(account.user)
    # When the viewer opens the surface
    if surface == "post_page":
        responses = [client.get(f"/@ada/{post.pk}")]
    elif surface == "replies":
        responses = [client.get(f"/@ray/{parent.pk}")]
    elif surface == "profile":
        responses = [client.get("/@ada"), client.get("/@ada/with_replies")]
    elif surface == "home":
        responses = [client.get("/")]
    else:
        responses = [client.get("/public"), client.get("/tags/matrix")]
    # Then the text is there exactly when the rules say so, and never an error
    expected = viewer in EXPECTED[surface][visibility]
    for response in responses:
        assert response.status_code in (200, 404)
        assert (text in response.content.decode()) is expected, response.request["PATH_INFO"]
