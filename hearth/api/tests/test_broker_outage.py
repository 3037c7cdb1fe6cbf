"""A Celery broker that can't be reached (hearth.core.jobs): writes still answer, at once, and
lose nothing the outbox keeps; photos are processed in the request instead."""

import logging
from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import User
from hearth.api.tests.test_media import post_media
from hearth.media.models import MediaAttachment, MediaState
from hearth.posts.models import Post
from hearth.timelines.models import FanoutJob

pytestmark = pytest.mark.django_db(transaction=True)


def test_posting_and_liking_answer_with_the_broker_down(
    client: Client, user: User, ana: dict[str, str], broker_down: Any, caplog: Any
) -> None:
    # When Ana posts and likes her post while the broker refuses connections
    with caplog.at_level(logging.WARNING, logger="hearth.core.jobs"):
        posted = client.post(
            "/api/v1/statuses", {"status": "Still here"}, content_type="application/json",
            headers=ana,
        )  # fmt: skip
        assert posted.status_code == 200, posted.content
        liked = client.post(f"/api/v1/statuses/{posted.json()['id']}/favourite", headers=ana)
    # Then both are answered and stored
    assert liked.status_code == 200
    post = Post.objects.get(pk=int(posted.json()["id"]))
    assert post.favourites_count == 1
    # And the post's fan-out waits in the outbox for the sweeper
    assert FanoutJob.objects.get(post=post).state == FanoutJob.State.PENDING
    # And one warning says jobs were not sent; the process stopped trying after the first
    warnings = [r for r in caplog.records if "broker unreachable" in r.getMessage()]
    assert len(warnings) == 1
    assert broker_down.paused()
    assert broker_down.dropped >= 2


def test_a_photo_is_processed_in_the_request_with_the_broker_down(
    client: Client, ana: dict[str, str], broker_down: Any
) -> None:
    response = post_media(client, ana)
    assert response.status_code == 200, response.content
    media = MediaAttachment.objects.get(pk=int(response.json()["id"]))
    assert media.state == MediaState.READY
    assert response.json()["url"].endswith(".webp")
