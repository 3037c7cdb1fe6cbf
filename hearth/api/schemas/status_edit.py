"""StatusEdit (one version of a post, for `/history`), StatusSource (`/source`) and Context
(`/context`), built from hydrated posts like the Status itself; no queries here."""

from collections.abc import Sequence

from hearth.api.schemas.account import AccountOut
from hearth.api.schemas.common import Context, Out, rfc3339
from hearth.api.schemas.media import MediaAttachmentOut
from hearth.api.schemas.status import StatusOut, status_out
from hearth.posts.models import PostEdit
from hearth.posts.selectors import PostView


class StatusEditOut(Out):
    content: str
    spoiler_text: str
    sensitive: bool
    created_at: str
    account: AccountOut
    poll: None = None
    media_attachments: list[MediaAttachmentOut]
    emojis: list[dict[str, str]]


class StatusSourceOut(Out):
    id: str
    text: str
    spoiler_text: str


class ContextOut(Out):
    ancestors: list[StatusOut]
    descendants: list[StatusOut]


def status_history_out(
    view: PostView, edits: Sequence[PostEdit], ctx: Context
) -> list[StatusEditOut]:
    """Every version of the post, oldest first, ending with the current one (Mastodon lists a
    post that was never edited as its one version). Hearth edits don't change photos, so each
    version shows the current ones."""
    post = view.post
    current = status_out(view, ctx)
    account = current.account
    media = current.media_attachments
    versions = [
        StatusEditOut(
            content=edit.content_html,
            spoiler_text=edit.spoiler_text,
            sensitive=edit.sensitive,
            created_at=rfc3339(edit.created_at),
            account=account,
            media_attachments=media,
            emojis=[],
        )
        for edit in edits
    ]
    versions.append(
        StatusEditOut(
            content=post.content_html,
            spoiler_text=post.spoiler_text,
            sensitive=post.sensitive,
            created_at=rfc3339(post.edited_at or post.created_at),
            account=account,
            media_attachments=media,
            emojis=[],
        )
    )
    return versions


def status_source_out(view: PostView) -> StatusSourceOut:
    post = view.post
    return StatusSourceOut(id=str(post.pk), text=post.text, spoiler_text=post.spoiler_text)
