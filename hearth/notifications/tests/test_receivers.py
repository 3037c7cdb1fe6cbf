"""Which posts enqueue the notifications job: those that mention someone or reply to another
member's post, and (without the facts in the signal) an approved held post."""

import pytest

from hearth.posts import services as posts

pytestmark = pytest.mark.django_db

JOB = "hearth.notifications.tasks.notify_post_created_task"


def test_a_post_that_tells_nobody_enqueues_no_job(ana, committed, tasks_run):
    with committed():
        own = posts.post_create(author=ana, text="just me", visibility="public")
        posts.post_create(author=ana, text="and a thread", visibility="public", in_reply_to=own)
    assert JOB not in tasks_run


def test_mentions_and_replies_to_others_enqueue_the_job(ana, bruno, committed, tasks_run):
    with committed():
        theirs = posts.post_create(author=bruno, text="hello", visibility="public")
    with committed():
        posts.post_create(author=ana, text="@bruno look", visibility="public")
        posts.post_create(author=ana, text="nice", visibility="public", in_reply_to=theirs)
    assert tasks_run.count(JOB) == 2
    assert bruno.notifications.count() == 2
