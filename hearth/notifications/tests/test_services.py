"""Each kind of notification, made through the real posts and graph services with the signals
and tasks run as on commit; and every rule that stops one."""

import pytest

from hearth.accounts.models.user import Visibility
from hearth.graph import services as graph
from hearth.notifications.models import Notification, NotificationType
from hearth.notifications.services import notification_preferences_update
from hearth.notifications.tasks import (
    notify_favourited_task,
    notify_followed_task,
    notify_post_created_task,
    notify_post_edited_task,
)
from hearth.notifications.tests.conftest import make_account
from hearth.notifications.tests.factories import make_post, rows
from hearth.posts import services as posts

pytestmark = pytest.mark.django_db

ALL_KINDS = NotificationType.values


# --- Each kind ---------------------------------------------------------------------------------


def test_a_mention_notifies_each_mentioned_account_but_not_the_author(ana, bruno, carla, committed):
    # given/when: Ana mentions Bruno, Carla and herself
    with committed():
        post = make_post(ana, "Hi @bruno and @carla, says @ana")

    # then: Bruno and Carla hear of it, Ana doesn't
    assert rows(bruno) == [("mention", "ana", post.pk)]
    assert rows(carla) == [("mention", "ana", post.pk)]
    assert rows(ana) == []


def test_a_reply_notifies_the_parents_author(ana, bruno, committed):
    # given
    with committed():
        parent = make_post(ana, "What should I cook tonight?")

    # when
    with committed():
        reply = make_post(bruno, "Soup!", in_reply_to=parent)

    # then
    assert rows(ana) == [("reply", "bruno", reply.pk)]


def test_a_reply_that_mentions_the_parents_author_notifies_them_once_as_a_reply(
    ana, bruno, carla, committed
):
    # given ana's question
    with committed():
        parent = make_post(ana, "Question")

    # when bruno answers "@ana" and also mentions carla
    with committed():
        reply = make_post(bruno, "@ana @carla answer", in_reply_to=parent)

    # then ana is told of a reply (not a mention), once; carla of a mention
    assert rows(ana) == [("reply", "bruno", reply.pk)]
    assert rows(carla) == [("mention", "bruno", reply.pk)]


def test_replying_to_yourself_notifies_nobody(ana, committed):
    with committed():
        parent = make_post(ana, "A thread, 1/2")
        make_post(ana, "2/2", in_reply_to=parent)

    assert Notification.objects.count() == 0


def test_a_like_notifies_the_author_and_liking_your_own_post_does_not(ana, bruno, committed):
    # given
    post = make_post(ana)

    # when
    with committed():
        posts.favourite(actor=bruno, post=post)
        posts.favourite(actor=ana, post=post)

    # then
    assert rows(ana) == [("favourite", "bruno", post.pk)]


def test_a_repost_notifies_the_author_about_the_original(ana, bruno, committed):
    post = make_post(ana)

    with committed():
        posts.reblog(actor=bruno, post=post)

    assert rows(ana) == [("reblog", "bruno", post.pk)]


def test_a_follow_notifies_the_followed(ana, bruno, committed):
    with committed():
        graph.follow(actor=bruno, target=ana)

    assert rows(ana) == [("follow", "bruno", None)]
    assert rows(bruno) == []


def test_a_follow_request_notifies_and_accepting_turns_it_into_a_follow(bruno, committed):
    # given: a locked account
    lena = make_account("lena", locked=True)

    # when: Bruno asks
    with committed():
        graph.follow(actor=bruno, target=lena)

    # then
    assert rows(lena) == [("follow_request", "bruno", None)]
    request_notification = Notification.objects.get(recipient=lena)

    # when: Lena accepts
    with committed():
        graph.follow_request_accept(actor=lena, requester=bruno)

    # then: the same notification now says Bruno follows her; nothing is added
    assert rows(lena) == [("follow", "bruno", None)]
    assert Notification.objects.get(recipient=lena).pk == request_notification.pk


def test_an_edit_notifies_those_who_liked_or_reposted_the_post(ana, bruno, carla, dani, committed):
    # given: Bruno liked Ana's post, Carla reposted it, Dani only read it
    post = make_post(ana, "First version")
    with committed():
        posts.favourite(actor=bruno, post=post)
        posts.reblog(actor=carla, post=post)

    # when: Ana edits it
    with committed():
        posts.post_edit(
            post=post, editor=ana, text="Second version", spoiler_text="", sensitive=False
        )

    # then
    assert rows(bruno) == [("update", "ana", post.pk)]
    assert rows(carla) == [("update", "ana", post.pk)]
    assert rows(dani) == []
    assert ("update", "ana", post.pk) not in rows(ana)


def test_a_second_edit_replaces_the_first_edits_notification(ana, bruno, committed):
    post = make_post(ana, "v1")
    with committed():
        posts.favourite(actor=bruno, post=post)
    with committed():
        posts.post_edit(post=post, editor=ana, text="v2", spoiler_text="", sensitive=False)
    first = Notification.objects.get(recipient=bruno, type="update")

    with committed():
        posts.post_edit(post=post, editor=ana, text="v3", spoiler_text="", sensitive=False)

    latest = Notification.objects.get(recipient=bruno, type="update")
    assert latest.pk > first.pk


# --- Idempotency -------------------------------------------------------------------------------


def test_running_each_task_twice_leaves_one_notification(ana, bruno, committed):
    # given: a like, a mention, a follow and an edit, each already notified once
    post = make_post(ana, "Hello @bruno")
    with committed():
        posts.favourite(actor=bruno, post=post)
        graph.follow(actor=bruno, target=ana)
        posts.post_edit(post=post, editor=ana, text="Hi @bruno", spoiler_text="", sensitive=False)
    notify_post_created_task.delay(post.pk)
    before = sorted(Notification.objects.values_list("pk", flat=True))

    # when: every task runs again, as a retried job would
    notify_favourited_task.delay(post.pk, bruno.pk)
    notify_followed_task.delay(bruno.pk, ana.pk)
    notify_post_created_task.delay(post.pk)
    notify_post_edited_task.delay(post.pk)

    # then: nothing changed
    assert sorted(Notification.objects.values_list("pk", flat=True)) == before
    assert len(before) == 4  # Ana: the like and the follow; Bruno: the mention and the edit


def test_liking_again_after_unliking_does_not_notify_twice(ana, bruno, committed):
    post = make_post(ana)
    with committed():
        posts.favourite(actor=bruno, post=post)
        posts.unfavourite(actor=bruno, post=post)
        posts.favourite(actor=bruno, post=post)

    assert rows(ana) == [("favourite", "bruno", post.pk)]


def test_a_task_for_something_already_deleted_does_nothing(ana, bruno):
    post = make_post(ana)
    post_id = post.pk
    posts.post_delete(post=post, actor=ana)

    notify_favourited_task.delay(post_id, bruno.pk)
    notify_post_created_task.delay(post_id)

    assert Notification.objects.count() == 0


# --- Blocks, mutes, deletion -----------------------------------------------------------------


@pytest.mark.parametrize("blocker", ["recipient", "actor"])
def test_a_block_either_way_stops_notifications(ana, bruno, committed, blocker):
    # given
    post = make_post(ana, "Hi @bruno")
    if blocker == "recipient":
        graph.block(actor=ana, target=bruno)
    else:
        graph.block(actor=bruno, target=ana)

    # when: Bruno mentions Ana, tries to like her post (refused or not, nothing may notify)
    with committed():
        make_post(bruno, "@ana hello")
        notify_favourited_task.delay(post.pk, bruno.pk)

    # then
    assert rows(ana) == []


def test_blocking_removes_the_notifications_between_the_two(ana, bruno, carla, committed):
    # given: Bruno and Carla both liked Ana's post; Ana liked Bruno's
    post = make_post(ana)
    bruno_post = make_post(bruno)
    with committed():
        posts.favourite(actor=bruno, post=post)
        posts.favourite(actor=carla, post=post)
        posts.favourite(actor=ana, post=bruno_post)

    # when
    with committed():
        graph.block(actor=ana, target=bruno)

    # then: only Carla's like is left
    assert rows(ana) == [("favourite", "carla", post.pk)]
    assert rows(bruno) == []


def test_a_mute_that_hides_notifications_stops_them(ana, bruno, committed):
    graph.mute(actor=ana, target=bruno)  # a full mute hides notifications by default

    with committed():
        make_post(bruno, "@ana hello")
        graph.follow(actor=bruno, target=ana)

    assert rows(ana) == []


def test_a_mute_that_keeps_notifications_lets_them_through(ana, bruno, committed):
    graph.mute(actor=ana, target=bruno, reposts_only=True)  # hide_notifications off

    with committed():
        graph.follow(actor=bruno, target=ana)

    assert rows(ana) == [("follow", "bruno", None)]


def test_deleting_a_post_deletes_its_notifications(ana, bruno, committed):
    with committed():
        post = make_post(ana, "Hi @bruno")
        posts.favourite(actor=bruno, post=post)
    assert Notification.objects.count() == 2

    with committed():
        posts.post_delete(post=post, actor=ana)

    assert Notification.objects.count() == 0


# --- Preferences -------------------------------------------------------------------------------


def test_a_kind_turned_off_is_not_notified(ana, bruno, committed):
    # given: Ana wants everything but likes
    notification_preferences_update(
        account=ana, enabled=[k for k in ALL_KINDS if k != "favourite"], only_from_following=False
    )
    post = make_post(ana)

    # when
    with committed():
        posts.favourite(actor=bruno, post=post)
        posts.reblog(actor=bruno, post=post)

    # then
    assert rows(ana) == [("reblog", "bruno", post.pk)]


def test_only_from_people_i_follow(ana, bruno, carla, committed):
    # given: Ana hears only from people she follows, and follows Carla
    notification_preferences_update(account=ana, enabled=ALL_KINDS, only_from_following=True)
    graph.follow(actor=ana, target=carla)
    post = make_post(ana)

    # when
    with committed():
        posts.favourite(actor=bruno, post=post)
        posts.favourite(actor=carla, post=post)

    # then
    assert rows(ana) == [("favourite", "carla", post.pk)]


# --- The notifications surface of the authorization matrix ---------------------------------


def test_a_direct_post_notifies_only_the_mentioned(ana, bruno, carla, committed):
    # given: Carla follows Ana
    graph.follow(actor=carla, target=ana)

    # when: Ana writes to Bruno alone
    with committed():
        post = make_post(ana, "@bruno just between us", visibility=Visibility.DIRECT)

    # then
    assert rows(bruno) == [("mention", "ana", post.pk)]
    assert rows(carla) == []
    assert Notification.objects.filter(post=post).count() == 1


def test_a_followers_only_reply_does_not_reach_non_followers(ana, bruno, carla, dani, committed):
    # given: a followers-only post by Ana; Bruno follows Ana; Dani follows Bruno; nobody else
    # follows anybody
    graph.follow(actor=bruno, target=ana)
    graph.follow(actor=dani, target=bruno)
    parent = make_post(ana, "For my followers", visibility=Visibility.PRIVATE)

    # when: Bruno replies, followers only, mentioning Carla and Dani
    with committed():
        reply = make_post(
            bruno, "@carla @dani look", visibility=Visibility.PRIVATE, in_reply_to=parent
        )

    # then: only Dani, who may read the reply, hears of it. Ana doesn't follow Bruno, so she
    # can't read his followers-only reply and isn't told of it; neither is Carla.
    assert rows(dani) == [("mention", "bruno", reply.pk)]
    assert rows(carla) == []
    assert rows(ana) == []
