"""The home timeline's cache of rendered statuses: the same JSON as every other endpoint's
statuses, and never stale where it matters (edits, counters, profiles, photos, visibility)."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from hearth.accounts.models import Account, User
from hearth.accounts.services import profile_update
from hearth.api.tests.conftest import Check
from hearth.api.tests.test_timelines import media_post
from hearth.graph import services as graph
from hearth.media import services as media
from hearth.media.models import MediaAttachment
from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.posts.tests.factories import make_account, make_post

pytestmark = pytest.mark.django_db

HOME = "/api/v1/timelines/home"


def _home(client: Client, headers: dict[str, str], check: Check) -> list[dict[str, Any]]:
    response = client.get(HOME, headers=headers)
    assert response.status_code == 200
    statuses: list[dict[str, Any]] = response.json()
    check("Status[]", statuses)
    return statuses


def _by_id(statuses: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {status["id"]: status for status in statuses}


@pytest.fixture
def cora(user: User) -> Account:
    """Someone Ana follows."""
    account = make_account("cora")
    graph.follow(actor=user.account, target=account)
    return account


def test_home_statuses_are_those_of_the_status_endpoint_cold_and_warm(
    client: Client, ana: dict[str, str], user: User, cora: Account, check: Check
) -> None:
    # Given posts of every shape in Ana's home: a photo, a mention and a tag, a repost, a like
    ana_account = user.account
    photo = media_post(cora, "see #sunsets")
    mention = make_post(cora, "hi @ana and #hello")
    original = make_post(make_account("dan"), "worth sharing")
    repost = posts.reblog(actor=cora, post=original)
    posts.favourite(actor=ana_account, post=mention)
    posts.bookmark(actor=ana_account, post=original)
    cache.clear()
    # When the home is read cold, then warm
    cold = _home(client, ana, check)
    warm = _home(client, ana, check)
    # Then both are what GET /api/v1/statuses/:id answers for each post
    assert cold == warm
    assert [status["id"] for status in warm] == [str(post.pk) for post in (repost, mention, photo)]
    for status in warm:
        single = client.get(f"/api/v1/statuses/{status['id']}", headers=ana).json()
        assert status == single
    shown = _by_id(warm)
    assert shown[str(photo.pk)]["media_attachments"][0]["description"] == "a photo"
    assert shown[str(mention.pk)]["favourited"] is True
    assert [m["username"] for m in shown[str(mention.pk)]["mentions"]] == ["ana"]
    assert shown[str(repost.pk)]["reblog"]["bookmarked"] is True


def test_a_warm_home_follows_edits_counters_profiles_and_photos(
    client: Client, ana: dict[str, str], user: User, cora: Account, check: Check
) -> None:
    # Given Ana's home, read once (so it is cached)
    post = make_post(cora, "first words")
    photo_post = media_post(cora, "a view")
    _home(client, ana, check)
    # When the post is edited, liked by someone, its author renames themselves, and the
    # photo's description changes
    posts.post_edit(
        post=post, editor=cora, text="second words #edited", spoiler_text="", sensitive=False
    )
    posts.favourite(actor=make_account("eve"), post=post)
    profile_update(
        account=cora, display_name="Cora B.", bio="", links=[], locked=False, discoverable=True
    )
    photo = MediaAttachment.objects.get(post=photo_post)
    media.media_update(media=photo, owner=cora, description="the harbour at dusk")
    # Then the next read shows all of it
    shown = _by_id(_home(client, ana, check))
    status = shown[str(post.pk)]
    assert "second words" in status["content"]
    assert status["edited_at"] is not None
    assert [tag["name"] for tag in status["tags"]] == ["edited"]
    assert status["favourites_count"] == 1
    assert status["account"]["display_name"] == "Cora B."
    assert status["account"]["statuses_count"] == 2
    described = shown[str(photo_post.pk)]["media_attachments"][0]["description"]
    assert described == "the harbour at dusk"


def test_a_warm_home_still_checks_visibility_on_every_read(
    client: Client, ana: dict[str, str], user: User, cora: Account, check: Check
) -> None:
    # Given Ana's home with Cora's posts, cached
    kept = make_post(cora, "still here")
    gone = make_post(cora, "about to go")
    assert {str(kept.pk), str(gone.pk)} <= set(_by_id(_home(client, ana, check)))
    # When one is deleted
    posts.post_delete(post=gone, actor=cora)
    # Then it is gone at once, the other stays
    ids = set(_by_id(_home(client, ana, check)))
    assert str(kept.pk) in ids
    assert str(gone.pk) not in ids
    # And when Cora blocks Ana, none of Cora's posts is shown, cache or not
    graph.block(actor=cora, target=user.account)
    assert not {str(kept.pk)} & set(_by_id(_home(client, ana, check)))
    assert Post.objects.filter(pk=kept.pk).exists()
