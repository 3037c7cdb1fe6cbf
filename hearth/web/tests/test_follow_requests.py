"""The follow requests page, its link in the header, and unlocking an account."""

import pytest
from django.contrib.messages import get_messages

from hearth.accounts.services import profile_update
from hearth.graph import services as graph
from hearth.graph.models import Follow, FollowRequest
from hearth.testing.fixtures import make_user

HX = {"HTTP_HX_REQUEST": "true"}


def lock(account, locked=True):
    profile_update(
        account=account, display_name="", bio="", links=[], locked=locked, discoverable=True
    )
    account.refresh_from_db()


@pytest.fixture
def ana(user):
    lock(user.account)
    return user.account


@pytest.fixture
def bruno(other_user):
    return other_user.account


def test_request_then_accept_makes_a_follower(client, ana, bruno, other_user, user):
    # Given bruno asks to follow ana, who approves her followers
    client.force_login(other_user)
    client.post("/@ana/follow")
    assert FollowRequest.objects.filter(follower=bruno, target=ana).exists()
    # When ana opens her requests
    client.force_login(user)
    body = client.get("/follow_requests").content.decode()
    # Then she sees him with Accept and Reject
    assert "@bruno" in body
    assert 'action="/follow_requests/@bruno/accept"' in body
    assert 'action="/follow_requests/@bruno/reject"' in body
    # When she accepts
    response = client.post("/follow_requests/@bruno/accept")
    # Then he follows her, the request is gone, and she's back on the list
    assert response["Location"] == "/follow_requests"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["@bruno now follows you."]
    assert Follow.objects.filter(follower=bruno, target=ana).exists()
    assert not FollowRequest.objects.exists()
    ana.refresh_from_db()
    assert ana.followers_count == 1
    # And her profile shows him the Unfollow button
    client.force_login(other_user)
    assert 'action="/@ana/unfollow"' in client.get("/@ana").content.decode()


def test_accept_with_htmx_replaces_the_row(client_with_user, ana, bruno):
    graph.follow(actor=bruno, target=ana)
    response = client_with_user.post("/follow_requests/@bruno/accept", {"view": "row"}, **HX)
    body = response.content.decode()
    assert body.lstrip().startswith(
        f'<li class="account-card account-card--answered" id="request-{bruno.pk}">'
    )
    assert "@bruno now follows you." in body
    assert Follow.objects.filter(follower=bruno, target=ana).exists()


def test_accept_from_the_profile_with_htmx_redraws_the_relationship_area(
    client_with_user, ana, bruno
):
    # Given bruno asked to follow ana: his profile offers her to answer
    graph.follow(actor=bruno, target=ana)
    body = client_with_user.get("/@bruno").content.decode()
    assert '<span class="badge">Wants to follow you</span>' in body
    assert 'action="/follow_requests/@bruno/accept"' in body
    # When she accepts there
    response = client_with_user.post("/follow_requests/@bruno/accept", **HX)
    # Then the area now says he follows her
    body = response.content.decode()
    assert '<div class="relationship" id="relationship">' in body
    assert '<span class="badge">Follows you</span>' in body


def test_reject(client_with_user, ana, bruno):
    graph.follow(actor=bruno, target=ana)
    response = client_with_user.post("/follow_requests/@bruno/reject", {"view": "row"}, **HX)
    assert "You turned down @bruno’s request." in response.content.decode()
    assert not FollowRequest.objects.exists()
    assert not Follow.objects.exists()


def test_answering_a_request_that_isnt_there_is_a_message(client_with_user, ana, bruno):
    response = client_with_user.post("/follow_requests/@bruno/accept", follow=True)
    assert response.status_code == 200
    assert "There’s no pending follow request from @bruno." in response.content.decode()
    assert not Follow.objects.exists()


def test_only_the_account_asked_can_accept(client, ana, bruno, other_user):
    # Given carla asked to follow ana
    carla = make_user("carla").account
    graph.follow(actor=carla, target=ana)
    # When bruno tries to accept it for her
    client.force_login(other_user)
    client.post("/follow_requests/@carla/accept")
    # Then nothing changes
    assert FollowRequest.objects.filter(follower=carla, target=ana).exists()
    assert not Follow.objects.exists()


def test_accept_all(client_with_user, ana):
    # Given three people waiting
    for name in ("carla", "dora", "enzo"):
        graph.follow(actor=make_user(name).account, target=ana)
    # When ana accepts them all
    response = client_with_user.post("/follow_requests/accept_all")
    # Then all three follow her
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You accepted 3 follow requests."
    ]
    assert Follow.objects.filter(target=ana).count() == 3
    assert not FollowRequest.objects.exists()


def test_empty_page_explains_itself(client_with_user, ana):
    body = client_with_user.get("/follow_requests").content.decode()
    assert "No pending requests" in body
    assert "When someone asks to follow you" in body
    assert "Accept all" not in body


def test_the_page_needs_a_login(client, db):
    response = client.get("/follow_requests")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_header_links_to_requests_with_a_count_for_a_locked_account(client_with_user, ana, bruno):
    # Given a locked account with no requests: the link is there, without a count
    body = client_with_user.get("/").content.decode()
    assert 'href="/follow_requests"' in body
    assert "nav-count" not in body
    # When bruno asks
    graph.follow(actor=bruno, target=ana)
    # Then the header shows one pending request
    body = client_with_user.get("/").content.decode()
    assert '<span class="nav-count">1<span class="visually-hidden"> pending</span></span>' in body


def test_header_has_no_requests_link_for_an_open_account(client, other_user):
    client.force_login(other_user)
    assert 'href="/follow_requests"' not in client.get("/").content.decode()


def test_the_count_is_one_query(client_with_user, ana, bruno, django_assert_num_queries):
    from hearth.web.templatetags.hearth_graph import follow_requests_pending

    graph.follow(actor=bruno, target=ana)
    request = client_with_user.get("/").wsgi_request
    request.user.account  # noqa: B018  # loaded by the frame already
    with django_assert_num_queries(1) as captured:
        assert follow_requests_pending({"request": request}) == 1
    assert "COUNT(" in captured.captured_queries[0]["sql"]


def test_unlocking_the_account_accepts_everyone_waiting(client_with_user, ana, bruno):
    # Given two people waiting
    graph.follow(actor=bruno, target=ana)
    graph.follow(actor=make_user("carla").account, target=ana)
    # When ana turns off "approve followers" in her profile settings
    response = client_with_user.post(
        "/settings/profile", {"display_name": "Ana", "bio": "", "discoverable": "on"}
    )
    # Then both now follow her, and she's told
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "You no longer approve followers, so 2 pending requests were accepted." in messages
    assert Follow.objects.filter(target=ana).count() == 2
    assert not FollowRequest.objects.exists()
    ana.refresh_from_db()
    assert not ana.locked
    assert ana.followers_count == 2


def test_saving_a_locked_profile_keeps_requests_waiting(client_with_user, ana, bruno):
    graph.follow(actor=bruno, target=ana)
    client_with_user.post("/settings/profile", {"display_name": "Ana", "locked": "on"})
    assert FollowRequest.objects.filter(follower=bruno, target=ana).exists()
    assert not Follow.objects.exists()
