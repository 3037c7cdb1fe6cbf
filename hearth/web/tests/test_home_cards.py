"""The home page's cached post cards (hearth.web.cards): the same HTML as the card template
renders directly, fresh counters, flags, times and CSRF tokens, and a query count that neither
grows with the page nor comes back when the cards are cached."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import engines
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.graph import services as graph
from hearth.graph.selectors import NO_RELATIONSHIP, relationships_stamp_key
from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.posts.selectors import hydrate
from hearth.posts.tests.factories import make_account, make_post
from hearth.testing.fixtures import PASSWORD, make_user
from hearth.timelines.feeds import big_accounts_forget
from hearth.web import cards
from hearth.web.post_forms import compose_form
from hearth.web.templatetags.hearth_tags import CSRF_MARK

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"')


def articles(html: str) -> list[str]:
    """The page's post cards, CSRF tokens blanked (each rendering masks the token anew)."""
    found = re.findall(r"<article.*?</article>", html, flags=re.S)
    return [_TOKEN.sub(r'\1"-"', card) for card in found]


@pytest.fixture
def ana(user):
    return user.account


@pytest.fixture
def timeline(ana):
    """Ana's home: her own post (edited, with a content warning), a friend's reply to her that
    she liked and bookmarked, and a repost of a third member's post."""
    bruno, carla = make_account("bruno"), make_account("carla")
    graph.follow(actor=ana, target=bruno)
    own = make_post(ana, "my own #hearth post", spoiler_text="spoilers")
    posts.post_edit(
        post=own,
        editor=ana,
        text="my own #hearth post, edited",
        spoiler_text="spoilers",
        sensitive=False,
    )
    reply = make_post(bruno, "@ana a reply", in_reply_to=own)
    posts.favourite(actor=ana, post=reply)
    posts.bookmark(actor=ana, post=reply)
    posts.reblog(actor=bruno, post=make_post(carla, "carla's words"))
    return Post.objects.filter(author__in=[ana, bruno]).order_by("-id")


def test_a_cached_card_is_the_card_template_rendered_directly(client_with_user, ana, timeline):
    first = client_with_user.get("/")
    second = client_with_user.get("/")  # every card from the cache now

    expected = [
        render_to_string(
            "web/posts/_post.html",
            {"view": view, "viewer": ana, "next": "/"},
            request=first.wsgi_request,
        )
        for view in hydrate(ana, timeline)
    ]
    assert len(expected) == 3
    assert articles(first.content.decode()) == articles("".join(expected))
    assert articles(second.content.decode()) == articles("".join(expected))


def test_likes_edits_and_profiles_show_on_the_next_page(client_with_user, ana):
    bruno = make_account("bruno")
    graph.follow(actor=ana, target=bruno)
    post = make_post(bruno, "before")
    assert (
        '♡</span> <span class="post__count" aria-hidden="true">0'
        in client_with_user.get("/").content.decode()
    )

    posts.favourite(actor=ana, post=post)
    posts.post_edit(post=post, editor=bruno, text="after", spoiler_text="", sensitive=False)
    bruno.display_name = "Bruno the Second"
    bruno.save()
    html = client_with_user.get("/").content.decode()

    assert "Unlike (1 like)" in html
    assert "after" in html
    assert "before" not in html
    assert "Bruno the Second" in html


def test_only_the_author_gets_edit_and_delete_from_a_shared_rendering(client_with_user, ana):
    post = make_post(ana, "mine")
    bruno = make_user("bruno")
    graph.follow(actor=bruno.account, target=ana)
    other = Client()
    other.login(username="bruno", password=PASSWORD)

    mine = client_with_user.get("/").content.decode()
    theirs = other.get("/").content.decode()

    assert f"/@ana/{post.pk}/edit" in mine
    assert "Report post" not in articles(mine)[0]
    assert f"/@ana/{post.pk}/edit" not in theirs
    assert "Report post" in articles(theirs)[0]


def test_relative_times_are_filled_in_for_each_request(client_with_user, ana, monkeypatch):
    make_post(ana, "a while ago")
    assert ">now</time>" in client_with_user.get("/").content.decode()

    later = timezone.now() + timedelta(minutes=5)
    monkeypatch.setattr(cards.timezone, "now", lambda: later)
    html = client_with_user.get("/").content.decode()

    assert ">5m</time>" in html
    assert ">now</time>" not in html
    assert cards.CSRF_MARK not in html
    assert "<!--reltime:" not in html


def test_the_forms_of_a_cached_card_carry_this_sessions_token(ana, user):
    post = make_post(ana, "like me")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    strict.get("/")  # renders and caches the card
    html = strict.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', articles_raw(html)).group(1)

    response = strict.post(f"/posts/{post.pk}/favourite", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert post.favourites.filter(account=ana).exists()


def test_a_page_masks_its_token_once_for_every_form_on_it(ana, user):
    # Given a home page with the compose box and a card's action forms (cached or not)
    make_post(ana, "like me")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    for _ in range(2):
        html = strict.get("/").content.decode()

        # Then every form on it carries the same masked token (one mask a response: what the
        # masking is for), and a new response masks it anew
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        assert len(tokens) == 1
    second = strict.get("/").content.decode()
    assert set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', second)) != tokens

    # And the compose box's token is good for posting
    token = tokens.pop()
    response = strict.post(
        "/posts", {"csrfmiddlewaretoken": token, "text": "hello", "visibility": "public"}
    )
    assert response.status_code == 302


def articles_raw(html: str) -> str:
    return html[html.index("<article") :]


def test_muted_words_fold_cached_cards_too(client_with_user, ana):
    make_post(ana, "talking about football again")
    client_with_user.get("/")
    client_with_user.post(
        "/settings/filters",
        {"phrase": "football", "whole_word": "on", "context": ["home"], "filter_action": "warn"},
    )

    html = client_with_user.get("/").content.decode()

    assert "Hidden by your muted word “football”" in html
    assert html.count("<article") == 1


@pytest.mark.parametrize("length", [5, 20])
def test_the_home_page_costs_the_same_queries_however_long(
    client_with_user, ana, length, django_assert_max_num_queries, monkeypatch
):
    for n in range(length):
        author = make_account()
        graph.follow(actor=ana, target=author)
        post = make_post(author, f"hello #tag{n} @ana")
        posts.favourite(actor=ana, post=post)
    # The large accounts' list is loaded afresh by the next request: a process copy left by an
    # earlier test could otherwise run out (5 s) between the two counts, one query more.
    big_accounts_forget()
    client_with_user.get("/")
    with CaptureQueriesContext(connection) as warm:
        response = client_with_user.get("/")
    monkeypatch.setattr(cards, "CARD_FORMAT", -1)  # as if no card were cached
    with CaptureQueriesContext(connection) as cold:
        client_with_user.get("/")

    assert response.content.decode().count("<article") == length
    # Warm: session, member, feed (two on the database store), stamps, flags, suggestions;
    # cold adds posts_to_render's four (posts, mentions, hashtags, photos).
    assert len(warm) <= 7, [q["sql"][:80] for q in warm]
    assert len(cold) == len(warm) + 4, [q["sql"][:150] for q in cold]


def _compose(html: str) -> str:
    found = re.search(
        r'<form method="post" action="/posts" class="compose card".*?</form>', html, re.S
    )
    assert found is not None
    return _TOKEN.sub(r'\1"-"', found.group(0))


def test_the_shared_compose_box_is_the_one_the_template_renders(client_with_user, user):
    first = client_with_user.get("/")
    second = client_with_user.get("/")  # from the cache
    user.require_alt_text = True
    user.save()
    third = client_with_user.get("/")  # a preference it shows: rendered anew

    def direct(response):
        return render_to_string(
            "web/posts/_compose.html",
            {"form": compose_form(response.wsgi_request), "max_chars": 500, "next": "/"},
            request=response.wsgi_request,
        )

    assert _compose(first.content.decode()) == _compose(direct(first))
    assert _compose(second.content.decode()) == _compose(direct(first))
    assert 'data-require-alt="true"' in _compose(third.content.decode())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second.content.decode())
    assert token.group(1) != CSRF_MARK


def _suggestions(html: str) -> str:
    found = re.search(r'<ul class="account-list">.*?</ul>', html, re.S)
    assert found is not None
    return re.sub(r"\s+", " ", _TOKEN.sub(r'\1"-"', found.group(0))).replace("> <", "><")


def test_the_shared_suggestions_are_those_the_template_renders(client_with_user, ana):
    bruno = make_account("bruno")
    first = client_with_user.get("/")
    cached = client_with_user.get("/")
    bruno.display_name = "Bruno Renamed"
    bruno.save()
    cache.delete(relationships_stamp_key(ana.pk))  # as when the suggestions' check expires
    renamed = client_with_user.get("/")

    bruno.display_name = ""
    direct = engines["django"].from_string(
        '<ul class="account-list">{% for account in suggestions %}'
        '{% include "web/relationships/_account_card.html" %}{% endfor %}</ul>'
    )
    expected = direct.render(
        {"suggestions": [bruno], "viewer": ana, "relationship": NO_RELATIONSHIP},
        first.wsgi_request,
    )
    assert "Follow @bruno" in _suggestions(first.content.decode())
    assert _suggestions(first.content.decode()) == _suggestions(expected)
    assert _suggestions(cached.content.decode()) == _suggestions(expected)
    assert "Bruno Renamed" in _suggestions(renamed.content.decode())
