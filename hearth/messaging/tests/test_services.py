"""Conversations kept from the posts signals, and the member's own changes."""

from typing import Any

import pytest
from django.http import Http404

from hearth.messaging import services
from hearth.messaging.models import Conversation, ConversationMember, ConversationPost
from hearth.posts import services as posts
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_only_direct_posts_make_conversations(committed: Any) -> None:
    ana, bruno = make_user("ana").account, make_user("bruno").account
    with committed():
        for visibility in ("public", "unlisted", "private"):
            posts.post_create(author=ana, text="@bruno hi", visibility=visibility)
    assert not Conversation.objects.exists()
    assert not ConversationMember.objects.filter(account=bruno).exists()


def test_recording_is_idempotent(committed: Any) -> None:
    ana, bruno = make_user("ana").account, make_user("bruno").account
    with committed():
        post = posts.post_create(author=ana, text="@bruno hi", visibility="direct")
    ConversationMember.objects.filter(account=bruno).update(unread=False)

    # When the task runs again (a retried Celery task)
    again = services.conversation_record_post(post_id=post.pk)

    # Then nothing changes: one conversation, one row per person, nothing unread again
    assert again is not None
    assert Conversation.objects.get() == again
    assert ConversationPost.objects.get().post_id == post.pk
    assert ConversationMember.objects.count() == 2
    assert not ConversationMember.objects.get(account=bruno).unread


def test_the_same_people_share_one_conversation_whoever_writes(committed: Any) -> None:
    ana, bruno, carla = (make_user(name).account for name in ("ana", "bruno", "carla"))
    with committed():
        posts.post_create(author=ana, text="@bruno @carla hi", visibility="direct")
        posts.post_create(author=carla, text="@ana @bruno hello", visibility="direct")
        posts.post_create(author=bruno, text="@ana just you", visibility="direct")
    assert Conversation.objects.count() == 2
    assert services.participants_key([3, 1, 2]) == services.participants_key([1, 2, 3, 3])


def test_reply_keeps_mentions_it_already_has(committed: Any) -> None:
    ana, bruno = make_user("ana").account, make_user("bruno").account
    with committed():
        first = posts.post_create(author=bruno, text="@ana hi", visibility="direct")
    cid = ConversationMember.objects.get(account=ana).conversation_id

    with committed():
        reply = services.conversation_reply(account=ana, conversation_id=cid, text="@Bruno hey")

    assert reply.text == "@Bruno hey"
    assert reply.in_reply_to_id == first.pk
    with pytest.raises(Http404):
        services.conversation_reply(
            account=make_user("carla").account, conversation_id=cid, text="hi"
        )


def test_only_direct_posts_enqueue_a_conversation_job(committed: Any, tasks_run: list[str]) -> None:
    ana = make_user("ana").account
    make_user("bruno")  # mentioned below
    job = "hearth.messaging.tasks.conversation_record_post_task"
    with committed():
        posts.post_create(author=ana, text="@bruno hi", visibility="public")
    assert job not in tasks_run
    with committed():
        posts.post_create(author=ana, text="@bruno hi", visibility="direct")
    assert tasks_run.count(job) == 1
