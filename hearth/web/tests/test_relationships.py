"""The relationship area on profiles: follow, mute, block and remove buttons, with and without
htmx, and what blocks hide."""

import pytest
from django.contrib.messages import get_messages

from hearth.graph import services as graph
from hearth.graph.models import Block, Follow, FollowRequest, Mute
from hearth.testing.fixtures import make_user

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ana(user):
    return user.account


@pytest.fixture
def bruno(other_user):
    return other_user.account


def flashes(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_profile_shows_a_follow_button_to_another_member(client_with_user, bruno):
    # When ana opens bruno's profile
    body = client_with_user.get("/@bruno").content.decode()
    # Then she can follow him, and the menu offers muting and blocking
    assert 'id="relationship"' in body
    assert 'action="/@bruno/follow" hx-post="/@bruno/follow"' in body
    assert 'hx-target="#relationship" hx-swap="outerHTML"' in body
    assert 'aria-label="More actions for @bruno"' in body
    assert 'action="/@bruno/mute"' in body
    assert 'href="/@bruno/block">Block @bruno…</a>' in body
    # And no "remove follower", since he doesn't follow her
    assert "/@bruno/remove_follower" not in body


def test_own_profile_has_no_relationship_area(client_with_user, ana):
    body = client_with_user.get("/@ana").content.decode()
    assert 'id="relationship"' not in body
    assert "Edit profile" in body


def test_anonymous_visitors_get_a_follow_button_that_leads_to_login(client, bruno):
    # When someone signed out opens bruno's profile
    body = client.get("/@bruno").content.decode()
    # Then "Follow" is a link to log in that comes back to the profile
    assert 'href="/accounts/login/?next=/%40bruno"' in body
    assert "Log in to follow @bruno" in body
    assert 'action="/@bruno/follow"' not in body
    # And the actions themselves need a login
    response = client.post("/@bruno/follow")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Follow.objects.exists()


def test_follow_without_javascript_redirects_back_with_a_message(client_with_user, ana, bruno):
    # When ana posts the follow form
    response = client_with_user.post("/@bruno/follow")
    # Then she follows bruno and is sent back to his profile with a message
    assert response.status_code == 302
    assert response["Location"] == "/@bruno"
    assert Follow.objects.filter(follower=ana, target=bruno).exists()
    assert flashes(response) == ["You now follow @bruno."]
    bruno.refresh_from_db()
    assert bruno.followers_count == 1
    # And the profile now offers to unfollow
    body = client_with_user.get("/@bruno").content.decode()
    assert 'action="/@bruno/unfollow"' in body
    assert ">Unfollow</button>" in body


def test_follow_with_htmx_returns_only_the_relationship_area(client_with_user, ana, bruno):
    # When ana follows bruno from a page running htmx
    response = client_with_user.post("/@bruno/follow", **HX)
    # Then the answer is the relationship area alone, drawn afresh, with the new counts out of band
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="relationship" id="relationship">')
    assert "<html" not in body
    assert "You now follow @bruno." in body
    assert 'action="/@bruno/unfollow"' in body
    assert '<ul class="profile-stats" id="profile-stats" hx-swap-oob="true">' in body
    assert (
        '<span class="profile-stats__count">1</span> <span class="profile-stats__label">Follower<'
        in body
    )
    assert Follow.objects.filter(follower=ana, target=bruno).exists()
    # And nothing is left queued as a flash message for the next page
    assert flashes(response) == []


def test_unfollow(client_with_user, ana, bruno):
    graph.follow(actor=ana, target=bruno)
    response = client_with_user.post("/@bruno/unfollow", **HX)
    assert "You no longer follow @bruno." in response.content.decode()
    assert not Follow.objects.exists()


def test_mutual_follow_shows_friends_and_a_follower_shows_follows_you(client_with_user, ana, bruno):
    # Given bruno follows ana
    graph.follow(actor=bruno, target=ana)
    # Then his profile says so to her, and offers to follow back or remove him
    body = client_with_user.get("/@bruno").content.decode()
    assert '<span class="badge">Follows you</span>' in body
    assert ">Follow back</button>" in body
    assert 'action="/@bruno/remove_follower"' in body
    # When she follows back
    client_with_user.post("/@bruno/follow")
    # Then they are friends
    body = client_with_user.get("/@bruno").content.decode()
    assert '<span class="badge badge--success">Friends</span>' in body


def test_locked_account_gets_a_request_that_can_be_cancelled(client_with_user, ana):
    # Given carla approves her followers
    carla = make_user("carla").account
    carla.locked = True
    carla.save(update_fields=["locked"])
    body = client_with_user.get("/@carla").content.decode()
    assert ">Ask to follow</button>" in body
    # When ana asks to follow
    response = client_with_user.post("/@carla/follow", **HX)
    # Then a request waits, and the button now cancels it
    body = response.content.decode()
    assert "You asked to follow @carla." in body
    assert '<span class="badge">Requested</span>' in body
    assert ">Cancel request</button>" in body
    assert FollowRequest.objects.filter(follower=ana, target=carla).exists()
    assert not Follow.objects.exists()
    # When she cancels
    client_with_user.post("/@carla/unfollow")
    # Then the request is gone
    assert not FollowRequest.objects.exists()


def test_remove_follower(client_with_user, ana, bruno):
    graph.follow(actor=bruno, target=ana)
    response = client_with_user.post("/@bruno/remove_follower")
    assert flashes(response) == ["@bruno no longer follows you."]
    assert not Follow.objects.filter(follower=bruno, target=ana).exists()
    ana.refresh_from_db()
    assert ana.followers_count == 0


def test_mute_and_unmute(client_with_user, ana, bruno):
    # When ana mutes bruno
    response = client_with_user.post("/@bruno/mute", **HX)
    # Then the mute is stored, and the area says so and offers to unmute
    body = response.content.decode()
    mute = Mute.objects.get(account=ana, target=bruno)
    assert not mute.reposts_only
    assert mute.hide_notifications
    assert '<span class="badge">Muted</span>' in body
    assert 'action="/@bruno/unmute"' in body
    # When she unmutes him
    client_with_user.post("/@bruno/unmute")
    # Then the mute is gone
    assert not Mute.objects.exists()


def test_mute_only_reposts(client_with_user, ana, bruno):
    response = client_with_user.post("/@bruno/mute", {"reposts_only": "1"})
    assert flashes(response) == ["You muted @bruno’s reposts. Their own posts still show."]
    mute = Mute.objects.get(account=ana, target=bruno)
    assert mute.reposts_only
    assert not mute.hide_notifications
    body = client_with_user.get("/@bruno").content.decode()
    assert '<span class="badge">Reposts muted</span>' in body


def test_block_asks_for_confirmation_first(client_with_user, ana, bruno):
    # When ana opens the block link
    response = client_with_user.get("/@bruno/block")
    # Then a page explains what blocking does, and nothing is blocked yet
    body = response.content.decode()
    assert response.status_code == 200
    assert "Block @bruno?" in body
    assert "You stop following each other" in body
    assert '<button type="submit" class="button button--danger">Block @bruno</button>' in body
    assert not Block.objects.exists()


def test_blocking_ends_follows_and_leaves_a_minimal_profile(client_with_user, ana, bruno):
    # Given ana and bruno follow each other
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=bruno, target=ana)
    # When ana confirms the block
    response = client_with_user.post("/@bruno/block")
    # Then the block stands, the follows are gone, and she's back on his profile
    assert response["Location"] == "/@bruno"
    assert flashes(response) == ["You blocked @bruno."]
    assert Block.objects.filter(account=ana, target=bruno).exists()
    assert not Follow.objects.exists()
    # And his profile shows her only that she blocked him, with a way back
    body = client_with_user.get("/@bruno").content.decode()
    assert "You blocked @bruno" in body
    assert 'action="/@bruno/unblock"' in body
    assert "profile-stats" not in body
    assert 'id="relationship"' not in body


def test_unblock_restores_the_profile(client_with_user, ana, bruno):
    graph.block(actor=ana, target=bruno)
    response = client_with_user.post("/@bruno/unblock")
    assert response["Location"] == "/@bruno"
    assert not Block.objects.exists()
    body = client_with_user.get("/@bruno").content.decode()
    assert 'action="/@bruno/follow"' in body


def test_someone_blocked_gets_404_on_the_blockers_profile(client_with_user, ana, bruno):
    # Given bruno blocked ana
    graph.block(actor=bruno, target=ana)
    # Then his profile and lists don't exist for her
    assert client_with_user.get("/@bruno").status_code == 404
    assert client_with_user.get("/@bruno/followers").status_code == 404
    assert client_with_user.get("/@bruno/following").status_code == 404


def test_following_someone_who_blocked_you_is_a_message_not_an_error(client_with_user, ana, bruno):
    # Given bruno blocked ana
    graph.block(actor=bruno, target=ana)
    # When she posts the follow form anyway (an old page)
    response = client_with_user.post("/@bruno/follow")
    # Then she's told it can't be done and sent somewhere that exists
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert flashes(response) == ["You can’t follow @bruno."]
    assert not Follow.objects.exists()
    # And with htmx the area says so in place
    response = client_with_user.post("/@bruno/follow", **HX)
    assert response.status_code == 200
    assert 'role="alert">You can’t follow @bruno.</p>' in response.content.decode()


def test_following_someone_you_blocked_says_to_unblock_first(client_with_user, ana, bruno):
    graph.block(actor=ana, target=bruno)
    response = client_with_user.post("/@bruno/follow", follow=True)
    assert response.status_code == 200
    assert "You’ve blocked @bruno. Unblock them first." in response.content.decode()


@pytest.mark.parametrize("action", ["follow", "mute", "block"])
def test_acting_on_yourself_is_refused_with_a_message(client_with_user, ana, action):
    response = client_with_user.post(f"/@ana/{action}")
    assert response.status_code == 302
    assert flashes(response)[0].startswith("You can’t")
    assert not Follow.objects.exists()
    assert not Mute.objects.exists()
    assert not Block.objects.exists()


def test_actions_need_post_and_a_real_account(client_with_user):
    assert client_with_user.get("/@bruno/follow").status_code == 405
    assert client_with_user.post("/@nobody_here/follow").status_code == 404


def test_next_sends_the_member_back_to_a_page_of_this_site_only(client_with_user, bruno):
    response = client_with_user.post("/@bruno/follow", {"next": "/@bruno/followers"})
    assert response["Location"] == "/@bruno/followers"
    response = client_with_user.post("/@bruno/unfollow", {"next": "https://evil.example/"})
    assert response["Location"] == "/@bruno"


def test_card_buttons_answer_htmx_with_just_the_button(client_with_user, ana, bruno):
    response = client_with_user.post("/@bruno/follow", {"view": "card"}, **HX)
    body = response.content.decode()
    assert body.lstrip().startswith(f'<div class="follow-button" id="follow-{bruno.pk}">')
    assert f'hx-target="#follow-{bruno.pk}"' in body
    assert 'action="/@bruno/unfollow"' in body
    assert Follow.objects.filter(follower=ana, target=bruno).exists()


def test_the_page_loads_htmx(client, bruno):
    body = client.get("/@bruno").content.decode()
    assert '<script src="/static/web/vendor/htmx.min.js" defer></script>' in body
    assert client.get("/static/web/vendor/htmx.min.js").status_code == 200
