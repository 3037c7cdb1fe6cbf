"""The Status serializer the status endpoints will use, checked against Mastodon's schema."""

from typing import Any

import pytest
from django.test import Client

from hearth.accounts.models import User
from hearth.api.schemas.common import Context
from hearth.api.schemas.status import status_out
from hearth.posts import services as posts
from hearth.posts.selectors import hydrate

pytestmark = pytest.mark.django_db


def test_status_and_reblog_wrapper(user: User, other_user: User, check: Any) -> None:
    # Given Ana's reply mentioning Bruno with a tag, which Bruno likes and reposts
    parent = posts.post_create(author=other_user.account, text="Hi", visibility="public")
    post = posts.post_create(
        author=user.account,
        text="@bruno look at #Gardens https://example.org",
        visibility="public",
        spoiler_text="plants",
        language="en",
        in_reply_to=parent,
    )
    posts.favourite(actor=other_user.account, post=post)
    repost = posts.reblog(actor=other_user.account, post=post)
    ctx = Context(base_url="http://testserver", viewer=other_user.account)
    # When both are serialized for Bruno
    original, wrapper = hydrate(other_user.account, [post, repost])
    data = status_out(original, ctx).model_dump()
    wrapped = status_out(wrapper, ctx).model_dump()
    # Then they match Mastodon's Status, with its markup and flags
    check("Status", data)
    check("Status", wrapped)
    assert data["id"] == str(post.pk)
    assert data["created_at"].endswith("Z")
    assert 'class="u-url mention"' in data["content"]
    assert data["mentions"][0]["acct"] == "bruno"
    assert data["tags"] == [{"name": "gardens", "url": "http://testserver/tags/Gardens"}]
    assert data["sensitive"] is True
    assert data["in_reply_to_id"] == str(parent.pk)
    assert data["in_reply_to_account_id"] == str(other_user.account.pk)
    assert data["favourited"] is True
    assert data["reblogged"] is True
    assert data["media_attachments"] == []
    assert data["application"] is None
    assert data["url"] == f"http://testserver/@ana/{post.pk}"
    assert wrapped["reblog"]["id"] == str(post.pk)
    assert wrapped["content"] == ""
    assert wrapped["account"]["username"] == "bruno"


def test_status_for_anonymous_and_edited(client: Client, user: User, check: Any) -> None:
    post = posts.post_create(author=user.account, text="First", visibility="public")
    post = posts.post_edit(
        post=post, editor=user.account, text="Second", spoiler_text="", sensitive=False
    )
    (view,) = hydrate(None, [post])
    data = status_out(view, Context(base_url="http://testserver"), with_source=True).model_dump()
    check("Status", data)
    assert data["edited_at"] is not None
    assert data["text"] == "Second"
    assert data["favourited"] is False
