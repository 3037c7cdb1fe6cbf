"""The grouped list and the unread count: what shows, how it groups, what it costs."""

import pytest

from hearth.accounts.models.user import Visibility
from hearth.graph import services as graph
from hearth.notifications.selectors import (
    PAGE_GROUPS,
    UNREAD_CAP,
    notifications_for,
    unread_count,
)
from hearth.notifications.services import notifications_mark_read
from hearth.notifications.tests.conftest import make_account
from hearth.notifications.tests.factories import make_post
from hearth.posts import services as posts

pytestmark = pytest.mark.django_db


def summary(page):
    return [(g.type, [a.username for a in g.actors], g.actors_count) for g in page.groups]


def test_likes_of_one_post_group_and_other_kinds_stay_single(ana, bruno, carla, dani, committed):
    # given: three likes and a repost of one post, a mention and a follow, interleaved
    post = make_post(ana)
    with committed():
        posts.favourite(actor=bruno, post=post)
        graph.follow(actor=carla, target=ana)
        posts.favourite(actor=carla, post=post)
        make_post(dani, "@ana hi")
        posts.favourite(actor=dani, post=post)
        posts.reblog(actor=bruno, post=post)

    # when
    page = notifications_for(viewer=ana)

    # then: newest first; the likes form one entry placed at the newest like
    assert summary(page) == [
        ("reblog", ["bruno"], 1),
        ("favourite", ["dani", "carla", "bruno"], 3),
        ("mention", ["dani"], 1),
        ("follow", ["carla"], 1),
    ]
    assert page.groups[1].post.post == post
    assert page.groups[1].others_count == 2
    assert page.next_before is None


def test_the_mentions_tab_has_mentions_and_replies_only(ana, bruno, committed):
    parent = make_post(ana)
    with committed():
        posts.favourite(actor=bruno, post=parent)
        make_post(bruno, "reply", in_reply_to=parent)
        make_post(bruno, "@ana hey")

    page = notifications_for(viewer=ana, mentions_only=True)

    assert [g.type for g in page.groups] == ["mention", "reply"]


def test_pages_continue_below_the_cursor(ana, bruno, committed):
    # given: more mentions than one page holds
    with committed():
        for number in range(PAGE_GROUPS + 3):
            make_post(bruno, f"@ana number {number}")

    # when
    first = notifications_for(viewer=ana)
    second = notifications_for(viewer=ana, before=first.next_before)

    # then
    assert len(first.groups) == PAGE_GROUPS
    assert len(second.groups) == 3
    assert second.next_before is None
    seen = [g.post.post.text for g in first.groups + second.groups]
    assert seen == [f"@ana number {n}" for n in reversed(range(PAGE_GROUPS + 3))]


def test_a_block_hides_existing_notifications_even_before_they_are_removed(ana, bruno, committed):
    # given
    post = make_post(ana)
    with committed():
        posts.favourite(actor=bruno, post=post)

    # when: Ana blocks Bruno, and the clean-up task has not run yet (no commit here)
    graph.block(actor=ana, target=bruno)

    # then
    assert notifications_for(viewer=ana).groups == []
    assert unread_count(account=ana) == 0


def test_a_mute_hides_existing_notifications_until_unmuted(ana, bruno, committed):
    with committed():
        graph.follow(actor=bruno, target=ana)

    graph.mute(actor=ana, target=bruno)
    assert notifications_for(viewer=ana).groups == []

    graph.unmute(actor=ana, target=bruno)
    assert [g.type for g in notifications_for(viewer=ana).groups] == ["follow"]


def test_a_like_taken_back_no_longer_shows(ana, bruno, carla, committed):
    post = make_post(ana)
    with committed():
        posts.favourite(actor=bruno, post=post)
        posts.favourite(actor=carla, post=post)

    posts.unfavourite(actor=bruno, post=post)

    assert summary(notifications_for(viewer=ana)) == [("favourite", ["carla"], 1)]


def test_a_post_the_recipient_can_no_longer_see_takes_its_notification_away(ana, bruno, committed):
    # given: Ana follows Bruno and is mentioned in his followers-only post
    graph.follow(actor=ana, target=bruno)
    with committed():
        make_post(bruno, "@ana for followers", visibility=Visibility.PRIVATE)
    assert len(notifications_for(viewer=ana).groups) == 1

    # when: Bruno removes Ana from his followers
    graph.follower_remove(actor=bruno, follower=ana)

    # then
    assert notifications_for(viewer=ana).groups == []


def test_a_withdrawn_follow_request_no_longer_shows(bruno, committed):
    lena = make_account("lena", locked=True)
    with committed():
        graph.follow(actor=bruno, target=lena)
    assert len(notifications_for(viewer=lena).groups) == 1

    graph.unfollow(actor=bruno, target=lena)  # withdraws the request

    assert notifications_for(viewer=lena).groups == []


def test_an_actor_scheduled_for_deletion_disappears(ana, bruno, committed):
    from django.utils import timezone

    with committed():
        graph.follow(actor=bruno, target=ana)

    bruno.user.deletion_scheduled_at = timezone.now()
    bruno.user.save(update_fields=["deletion_scheduled_at"])

    assert notifications_for(viewer=ana).groups == []


def test_unread_count_and_marking_read(ana, bruno, carla, committed):
    # given
    post = make_post(ana)
    with committed():
        posts.favourite(actor=bruno, post=post)
        posts.favourite(actor=carla, post=post)
    assert unread_count(account=ana) == 2
    assert all(g.unread for g in notifications_for(viewer=ana).groups)

    # when
    notifications_mark_read(account=ana)

    # then: read, until something new arrives
    assert unread_count(account=ana) == 0
    assert not any(g.unread for g in notifications_for(viewer=ana).groups)
    with committed():
        graph.follow(actor=bruno, target=ana)
    assert unread_count(account=ana) == 1


def test_unread_count_is_one_query(ana, bruno, committed, django_assert_num_queries):
    with committed():
        make_post(bruno, "@ana hi")

    with django_assert_num_queries(1):
        assert unread_count(account=ana) == 1


def test_unread_count_stops_at_the_cap(ana, bruno, committed):
    with committed():
        for number in range(UNREAD_CAP + 2):
            make_post(bruno, f"@ana {number}")

    assert unread_count(account=ana) == UNREAD_CAP


def test_the_marker_never_moves_back(ana, bruno, committed):
    with committed():
        make_post(bruno, "@ana hi")
    notifications_mark_read(account=ana)

    notifications_mark_read(account=ana, up_to=1)

    assert unread_count(account=ana) == 0


def test_a_page_costs_the_same_for_5_and_30_notifications(ana, committed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            page = notifications_for(viewer=ana)
        return len(captured), page

    likers = [make_account(f"fan{n}") for n in range(30)]
    post = make_post(ana, "Like me")
    with committed():
        for fan in likers[:5]:
            posts.favourite(actor=fan, post=post)
            make_post(fan, "@ana hello")
    few, page = queries_for_page()
    assert sum(g.actors_count for g in page.groups) == 10

    with committed():
        for fan in likers[5:]:
            posts.favourite(actor=fan, post=post)
            make_post(fan, "@ana hello")
    many, page = queries_for_page()
    assert len(page.groups) == PAGE_GROUPS

    assert few == many == 5  # hydrate: mentions, hashtags, photos, viewer flags (+ the page)
