"""The public and hashtag timelines from cached post cards (hearth.web.cards.cards_page), as
the home page is drawn: the same HTML as the card template renders directly, for visitors and
members, no cookie for a visitor, and a query count that neither grows with the page nor comes
back when the cards are cached."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.posts.selectors import hydrate
from hearth.posts.tests.factories import make_account, make_post
from hearth.web import cards
from hearth.web.tests.test_home_cards import articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(user):
    return user.account


@pytest.fixture
def public_posts(ana):
    """Ana's post (edited, with a content warning) and Bruno's, which Ana liked."""
    own = make_post(ana, "my own #hearth post", spoiler_text="spoilers")
    posts.post_edit(
        post=own, editor=ana, text="my own #hearth post, edited", spoiler_text="spoilers",
        sensitive=False,
    )  # fmt: skip
    his = make_post(make_account("bruno"), "bruno's words")
    posts.favourite(actor=ana, post=his)
    return Post.objects.filter(pk__in=[own.pk, his.pk]).order_by("-id")


@pytest.mark.parametrize("path", ["/public", "/tags/hearth"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_public_cards_are_the_card_template_rendered_directly(
    client, user, ana, public_posts, signed_in, path
):
    if signed_in:
        client.force_login(user)
    viewer = ana if signed_in else None
    if path == "/tags/hearth":  # only Ana's post is tagged
        public_posts = public_posts.filter(author=ana)
    first = client.get(path)
    second = client.get(path)  # every card from the cache now
    expected = [
        render_to_string(
            "web/posts/_post.html",
            {"view": view, "viewer": viewer, "next": path},
            request=first.wsgi_request,
        )
        for view in hydrate(viewer, public_posts)
    ]
    assert len(expected) == (2 if path == "/public" else 1)
    assert articles(first.content.decode()) == articles("".join(expected))
    assert articles(second.content.decode()) == articles("".join(expected))


def test_a_visitor_and_a_member_get_their_own_cards(client, user, ana, public_posts):
    # Given a member's cards cached (with Like buttons, and Edit on her own post)
    member = Client()
    member.force_login(user)
    assert "Edit" in member.get("/public").content.decode()
    # When a visitor opens the page, then it has no member's actions and sets no cookie
    visitor = client.get("/public")
    page = visitor.content.decode()
    assert page.count("<article") == 2
    assert "csrfmiddlewaretoken" not in page
    assert "/edit" not in page
    assert not visitor.cookies


@pytest.mark.parametrize("length", [5, 20])
def test_the_public_page_costs_the_same_queries_however_long(client, ana, length, monkeypatch):
    for n in range(length):
        make_post(make_account(), f"hello #tag{n}")
    client.get("/public")
    with CaptureQueriesContext(connection) as warm:
        response = client.get("/public")
    monkeypatch.setattr(cards, "CARD_FORMAT", -1)  # as if no card were cached
    with CaptureQueriesContext(connection) as cold:
        client.get("/public")
    assert response.content.decode().count("<article") == length
    # Warm: the page's ids, the stamps; cold adds posts_to_render's four
    assert len(warm) <= 2, [q["sql"][:80] for q in warm]
    assert len(cold) == len(warm) + 4, [q["sql"][:80] for q in cold]


@pytest.mark.parametrize("path", ["/bookmarks", "/favourites"])
def test_bookmarks_and_likes_are_the_card_template_rendered_directly(client, user, ana, path):
    # Given posts Ana bookmarked and liked: Bruno's, a repost of Carla's, her own
    bruno, carla = make_account("bruno"), make_account("carla")
    saved = [
        make_post(bruno, "bruno's #words"),
        posts.reblog(actor=bruno, post=make_post(carla, "carla's")),
        make_post(ana, "my own", spoiler_text="cw"),
    ]
    for post in saved:
        posts.bookmark(actor=ana, post=post)
        posts.favourite(actor=ana, post=post)
    make_post(bruno, "neither")
    client.force_login(user)
    first = client.get(path)
    second = client.get(path)  # every card from the cache now
    shown = Post.objects.filter(pk__in=[saved[0].pk, saved[1].reblog_of_id, saved[2].pk])
    expected = [
        render_to_string(
            "web/posts/_post.html",
            {"view": view, "viewer": ana, "next": path},
            request=first.wsgi_request,
        )
        for view in hydrate(ana, shown.order_by("-id"))
    ]
    assert len(expected) == 3
    assert articles(first.content.decode()) == articles("".join(expected))
    assert articles(second.content.decode()) == articles("".join(expected))
