"""A profile's Posts and Posts & replies tabs from cached post cards (hearth.web.cards), as the
public timeline is drawn: the same HTML as the card template renders directly for visitors,
the owner and other members, no cookie for a visitor, what changes shown at once, and a query
count that neither grows with the page nor comes back when the cards are cached."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.accounts.models.user import Visibility
from hearth.accounts.services import profile_update
from hearth.accounts.tests import imagefiles
from hearth.graph import services as graph
from hearth.media import services as media
from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.posts.selectors import account_posts, pinned_posts
from hearth.posts.tests.factories import make_account, make_post
from hearth.testing.fixtures import make_user
from hearth.timelines.selectors import hydrate_posts
from hearth.web import cards
from hearth.web.tests.test_home_cards import articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(user):
    return user.account


@pytest.fixture
def carla():
    return make_user("carla")


@pytest.fixture
def profile(ana, carla):
    """Ana's posts of every kind: one edited with a content warning and pinned, a reply in her
    own thread, a reply to Bruno, a repost of his, a photo and a followers-only post. Carla
    liked the reposted post and bookmarked the pinned one."""
    bruno = make_account("bruno")
    own = make_post(ana, "my own #hearth post", spoiler_text="spoilers")
    posts.post_edit(
        post=own, editor=ana, text="my own #hearth post, edited", spoiler_text="spoilers",
        sensitive=False,
    )  # fmt: skip
    make_post(ana, "more of it", in_reply_to=own)
    make_post(ana, "@bruno a reply", in_reply_to=make_post(bruno, "bruno asks"))
    his = make_post(bruno, "bruno's words")
    posts.reblog(actor=ana, post=his)
    photo = media.media_upload(
        owner=ana, file=imagefiles.upload(imagefiles.png(32, 32)), description="a photo"
    )
    posts.post_create(author=ana, text="look", visibility=Visibility.PUBLIC, media_ids=[photo.pk])
    make_post(ana, "for followers", visibility=Visibility.PRIVATE)
    posts.pin(actor=ana, post=own)
    posts.favourite(actor=carla.account, post=his)
    posts.bookmark(actor=carla.account, post=own)
    return own


def post_cards(html):
    """The page's post cards (articles() finds the profile's own <article> too)."""
    return [card for card in articles(html) if card.startswith('<article class="post')]


def _expected(request, viewer, ana, path):
    """The tab as the card template renders it directly (the way the page was drawn before):
    pinned posts first on the Posts tab, then the tab's posts."""
    with_replies = path.endswith("/with_replies")
    pinned = [] if with_replies else hydrate_posts(viewer, pinned_posts(viewer, ana))
    shown = hydrate_posts(viewer, account_posts(viewer, ana, with_replies=with_replies))
    context = {"viewer": viewer, "next": path}
    return [
        render_to_string(
            "web/posts/_post.html", {**context, "view": view, "pinned_label": True}, request
        )
        for view in pinned
    ] + [
        render_to_string("web/posts/_post.html", {**context, "view": view}, request)
        for view in shown
    ]


@pytest.mark.parametrize("path", ["/@ana", "/@ana/with_replies"])
@pytest.mark.parametrize("who", ["visitor", "ana", "carla"])
def test_profile_cards_are_the_card_template_rendered_directly(
    client, user, carla, ana, profile, who, path
):
    viewer = None
    if who != "visitor":
        member = user if who == "ana" else carla
        client.force_login(member)
        viewer = member.account
    first = client.get(path)
    second = client.get(path)  # every card from the cache now
    expected = _expected(first.wsgi_request, viewer, ana, path)
    # Pinned + own, thread, repost, photo (+ the reply to Bruno; + followers-only for Ana)
    assert len(expected) == 5 + (who == "ana")
    assert post_cards(first.content.decode()) == post_cards("".join(expected))
    assert post_cards(second.content.decode()) == post_cards("".join(expected))


def test_a_visitor_gets_no_cookie_and_no_members_actions(client, user, profile):
    # Given a member's cards of Ana's profile cached (Like buttons, Edit on her own posts)
    member = Client()
    member.force_login(user)
    for path in ("/@ana", "/@ana/with_replies"):
        assert "/edit" in member.get(path).content.decode()
        # When a visitor opens the same tab, then it has no member's actions and sets no cookie
        visitor = client.get(path)
        page = visitor.content.decode()
        assert page.count('<article class="post') > 3
        assert "csrfmiddlewaretoken" not in page
        assert "/edit" not in page
        assert not visitor.cookies


def test_edits_deletes_likes_and_profile_changes_show_at_once(client, ana, carla, profile):
    reply = make_post(ana, "to be deleted")
    page = client.get("/@ana").content.decode()  # cached now
    assert "to be deleted" in page
    # When Ana edits and deletes posts, Carla likes one, and Ana renames herself
    posts.post_edit(post=profile, editor=ana, text="edited again", spoiler_text="", sensitive=False)
    posts.post_delete(post=reply, actor=ana)
    thread = make_post(ana, "liked later")
    client.get("/@ana")
    posts.favourite(actor=carla.account, post=thread)
    profile_update(
        account=ana, display_name="Ana Renamed", bio="", links=[], locked=False,
        discoverable=True,
    )  # fmt: skip
    # Then the next visitor sees all of it
    page = client.get("/@ana").content.decode()
    assert "edited again" in page
    assert "my own" not in page
    assert "to be deleted" not in page
    assert page.count("Ana Renamed") >= page.count('<article class="post')
    liked = next(card for card in post_cards(page) if "liked later" in card)
    assert '♡</span> 1<span class="visually-hidden"> likes' in liked


def test_pages_link_to_older_posts_and_pins_stay_on_the_first(client, ana, profile):
    made = [make_post(ana, f"post {n}").pk for n in range(25)]
    page = client.get("/@ana").content.decode()
    assert page.count('<article class="post') == 21  # the pinned post, then a page of 20
    assert f'href="?max_id={made[5]}"' in page  # the 20th, newest first
    rest = client.get(f"/@ana?max_id={made[5]}").content.decode()
    assert rest.count('<article class="post') == 9  # posts 4 to 0 and the fixture's four
    assert "Pinned" not in rest
    assert "post 4" in rest
    assert "post 5" not in rest
    assert f'id="post-{profile.pk}"' in rest  # the pinned post in its place among the others
    assert "load-more" not in rest
    assert "That’s everything" in client.get(f"/@ana?max_id={profile.pk}").content.decode()


def test_pinned_posts_are_those_the_viewer_may_see_newest_first(client, user, ana, profile):
    private = Post.objects.get(author=ana, text="for followers")
    posts.pin(actor=ana, post=private)
    newer = make_post(ana, "pinned later")
    posts.pin(actor=ana, post=newer)

    def pinned(page):
        return [card for card in post_cards(page) if "Pinned</p>" in card]

    shown = pinned(client.get("/@ana").content.decode())
    assert [f'id="post-{newer.pk}"' in card for card in shown] == [True, False]
    assert f'id="post-{profile.pk}"' in shown[1]
    client.force_login(user)  # Ana sees her followers-only pin too
    assert len(pinned(client.get("/@ana").content.decode())) == 3
    assert pinned(client.get("/@ana/with_replies").content.decode()) == []


def test_blocks_mutes_limits_and_suspensions_as_before(client, user, carla, ana, profile):
    client.force_login(carla)
    # Muting Ana leaves her profile as it was: a page reached by link shows her posts
    graph.mute(actor=carla.account, target=ana)
    assert client.get("/@ana").content.decode().count('<article class="post') == 5
    graph.unmute(actor=carla.account, target=ana)
    # Carla blocking Ana sees only that, with a way back; blocked by Ana, no such account
    graph.block(actor=carla.account, target=ana)
    blocked = client.get("/@ana").content.decode()
    assert '<article class="post' not in blocked
    assert 'action="/@ana/unblock"' in blocked
    graph.unblock(actor=carla.account, target=ana)
    graph.block(actor=ana, target=carla.account)
    assert client.get("/@ana").status_code == 404
    # Limited by the moderators, Ana's posts reach only her followers: not a visitor
    ana.limited_at = timezone.now()
    ana.save(update_fields=["limited_at"])
    visitor = Client()
    assert "No posts yet" in visitor.get("/@ana").content.decode()
    # Suspended, there is no profile
    ana.suspended_at = timezone.now()
    ana.save(update_fields=["suspended_at"])
    assert visitor.get("/@ana").status_code == 404


@pytest.mark.parametrize("length", [5, 20])
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_profile_costs_the_same_queries_however_long(
    client, carla, ana, length, who, monkeypatch, django_assert_max_num_queries
):
    # Given Ana's posts: her own, replies to others ("Replying to @x") and reposts
    for n in range(length):
        if n % 3 == 0:
            make_post(ana, f"@bruno reply {n}", in_reply_to=make_post(make_account(), "hi"))
        elif n % 3 == 1:
            posts.reblog(actor=ana, post=make_post(make_account(), f"original {n}"))
        else:
            make_post(ana, f"hello #tag{n} @carla")
    if who == "member":
        client.force_login(carla)
        client.get("/")  # the session's own bookkeeping out of the way
    client.get("/@ana/with_replies")
    # Warm, a visitor: the account, the page's ids, the stamps (the Posts tab adds the
    # pinned posts); a member adds the session's user, relationships and flags.
    with django_assert_max_num_queries(3 if who == "visitor" else 6) as warm:
        response = client.get("/@ana/with_replies")
    monkeypatch.setattr(cards, "CARD_FORMAT", -1)  # as if no card were cached
    with CaptureQueriesContext(connection) as cold:
        client.get("/@ana/with_replies")
    assert response.content.decode().count('<article class="post') == length
    # Cold adds posts_to_render's four and the accounts replied to (one query for them all)
    assert len(cold) == len(warm) + 5, [q["sql"][:80] for q in cold]
