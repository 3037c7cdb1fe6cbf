"""Followers and following lists, and the settings lists of blocked and muted accounts."""

import re

import pytest

from hearth.accounts.services import profile_update
from hearth.graph import services as graph
from hearth.graph.models import Block, Mute
from hearth.graph.selectors import network_visible_to
from hearth.testing.fixtures import make_user


@pytest.fixture
def ana(user):
    return user.account


@pytest.fixture
def bruno(other_user):
    return other_user.account


def followers_for(account, count, prefix="fan"):
    fans = [make_user(f"{prefix}{number}").account for number in range(count)]
    for fan in fans:
        graph.follow(actor=fan, target=account)
    return fans


def usernames(body):
    return re.findall(r'<span class="account-card__handle">@(\w+)</span>', body)


def hide_network(account):
    profile_update(
        account=account,
        display_name="",
        bio="",
        links=[],
        locked=False,
        discoverable=True,
        hide_network=True,
    )


def test_followers_are_listed_newest_first_with_follow_buttons(client_with_user, ana, bruno):
    # Given two people follow bruno, one of them ana
    carla = make_user("carla").account
    graph.follow(actor=carla, target=bruno)
    graph.follow(actor=ana, target=bruno)
    # When ana opens his followers
    body = client_with_user.get("/@bruno/followers").content.decode()
    # Then she sees herself first (newest), then carla with a follow button
    assert usernames(body) == ["ana", "carla"]
    assert "That’s you" in body
    assert f'hx-target="#follow-{carla.pk}"' in body
    assert 'action="/@carla/follow"' in body
    assert '<input type="hidden" name="view" value="card">' in body
    assert '<input type="hidden" name="next" value="/@bruno/followers">' in body


def test_following_list(client, ana, bruno):
    graph.follow(actor=ana, target=bruno)
    body = client.get("/@ana/following").content.decode()
    assert usernames(body) == ["bruno"]
    # A visitor's follow buttons lead to login
    assert 'href="/accounts/login/?next=/%40bruno"' in body


def test_the_profile_counts_link_to_the_lists(client, ana):
    body = client.get("/@ana").content.decode()
    assert '<a href="/@ana/followers">' in body
    assert '<a href="/@ana/following">' in body


def test_lists_paginate_forty_at_a_time(client, bruno):
    # Given 45 followers
    fans = followers_for(bruno, 45)
    # When the first page is read
    body = client.get("/@bruno/followers").content.decode()
    # Then it holds the newest 40 and an "Older" link
    first = usernames(body)
    assert first == [fan.username for fan in reversed(fans)][:40]
    cursor = re.search(r'href="\?before=(\d+)" rel="next">Older</a>', body).group(1)
    # And the next page holds the last 5, and no further link
    body = client.get(f"/@bruno/followers?before={cursor}").content.decode()
    assert usernames(body) == [fan.username for fan in reversed(fans)][40:]
    assert "Older" not in body


def test_a_cursor_past_the_end_says_so(client, bruno):
    followers_for(bruno, 1)
    body = client.get("/@bruno/followers?before=1").content.decode()
    assert "That’s everyone" in body


@pytest.mark.parametrize("before", ["abc", "-1", "9" * 40, "9" * 19, str(2**63), "١٢", ""])
def test_a_bad_cursor_starts_from_the_top(client, bruno, before):
    followers_for(bruno, 2)
    response = client.get("/@bruno/followers", {"before": before})
    assert response.status_code == 200
    assert len(usernames(response.content.decode())) == 2


def test_empty_lists_explain_themselves(client_with_user, ana, bruno):
    body = client_with_user.get("/@ana/followers").content.decode()
    assert "When people follow you, they’ll show up here." in body
    body = client_with_user.get("/@bruno/following").content.decode()
    assert "doesn’t follow anyone yet" in body


def test_hidden_network_is_private_to_others(client, ana, bruno, other_user):
    # Given ana hides her lists, and bruno follows her
    graph.follow(actor=bruno, target=ana)
    hide_network(ana)
    # When bruno or a visitor opens them
    for path in ("/@ana/followers", "/@ana/following"):
        body = client.get(path).content.decode()
        # Then they're told the list is private, and see no one
        assert "@ana keeps this list private" in body
        assert usernames(body) == []
    client.force_login(other_user)
    assert "@ana keeps this list private" in client.get("/@ana/followers").content.decode()


def test_the_graph_reads_hide_network_from_the_account(ana, bruno):
    hide_network(ana)
    ana.refresh_from_db()
    assert network_visible_to(account=ana, viewer=ana)
    assert not network_visible_to(account=ana, viewer=bruno)
    assert not network_visible_to(account=ana, viewer=None)


def test_owner_still_sees_their_hidden_lists(client_with_user, ana, bruno):
    graph.follow(actor=bruno, target=ana)
    hide_network(ana)
    body = client_with_user.get("/@ana/followers").content.decode()
    assert usernames(body) == ["bruno"]
    assert "Only you can see this list." in body


def test_lists_leave_out_accounts_with_a_block_between_them_and_the_viewer(
    client_with_user, ana, bruno
):
    # Given carla and dora follow bruno, and ana blocked carla while dora blocked ana
    carla, dora = make_user("carla").account, make_user("dora").account
    for fan in (carla, dora):
        graph.follow(actor=fan, target=bruno)
    graph.block(actor=ana, target=carla)
    graph.block(actor=dora, target=ana)
    # When ana reads bruno's followers
    body = client_with_user.get("/@bruno/followers").content.decode()
    # Then neither appears
    assert usernames(body) == []
    # While someone else sees both
    client_with_user.force_login(make_user("enzo"))
    assert usernames(client_with_user.get("/@bruno/followers").content.decode()) == [
        "dora",
        "carla",
    ]


def test_the_blocker_cannot_read_the_blocked_accounts_lists(client_with_user, ana, bruno):
    graph.block(actor=ana, target=bruno)
    assert client_with_user.get("/@bruno/followers").status_code == 404


@pytest.mark.parametrize("rows", [5, 40])
def test_followers_page_costs_the_same_for_5_or_40_rows(
    client, ana, bruno, user, rows, django_assert_max_num_queries
):
    # Given bruno's followers, some followed back by ana, one muted, one requested
    fans = followers_for(bruno, rows)
    graph.follow(actor=ana, target=fans[0])
    graph.mute(actor=ana, target=fans[1])
    client.force_login(user)
    client.get("/")  # the first page records the session
    # When ana reads the list: her user and account, bruno, the block check, the page and the
    # relationships of everyone on it, and the header's unread notifications count (plus the
    # session, when it isn't cached), whatever the number of rows
    with django_assert_max_num_queries(7):
        response = client.get("/@bruno/followers")
    assert len(usernames(response.content.decode())) == rows


# --- Settings → Blocked / Muted accounts -----------------------------------------------------


def test_blocked_accounts_page_lists_and_unblocks(client_with_user, ana, bruno):
    # Given ana blocked bruno
    graph.block(actor=ana, target=bruno)
    # Then her blocked accounts page lists him with an Unblock button
    body = client_with_user.get("/settings/blocks").content.decode()
    assert usernames(body) == ["bruno"]
    assert 'action="/@bruno/unblock"' in body
    assert 'aria-current="page">Blocked accounts</a>' in body
    # When she unblocks him there
    response = client_with_user.post("/@bruno/unblock", {"next": "/settings/blocks"})
    # Then the block is gone and she's back on the page, which is now empty
    assert response["Location"] == "/settings/blocks"
    assert not Block.objects.exists()
    assert "You haven’t blocked anyone" in client_with_user.get("/settings/blocks").content.decode()


def test_muted_accounts_page_lists_and_unmutes(client_with_user, ana, bruno):
    graph.mute(actor=ana, target=bruno, reposts_only=True)
    body = client_with_user.get("/settings/mutes").content.decode()
    assert "@bruno · reposts only" in body
    assert 'action="/@bruno/unmute"' in body
    response = client_with_user.post("/@bruno/unmute", {"next": "/settings/mutes"})
    assert response["Location"] == "/settings/mutes"
    assert not Mute.objects.exists()
    assert "You haven’t muted anyone" in client_with_user.get("/settings/mutes").content.decode()


def test_settings_menu_links_the_new_pages(client_with_user):
    body = client_with_user.get("/settings/profile").content.decode()
    assert 'href="/settings/blocks"' in body
    assert 'href="/settings/mutes"' in body


def test_block_and_mute_lists_need_a_login(client, db):
    for path in ("/settings/blocks", "/settings/mutes"):
        assert client.get(path)["Location"].startswith("/accounts/login/")
