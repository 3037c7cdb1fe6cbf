"""`Idempotency-Key` on POST /api/v1/statuses: a retried post is not posted twice.

Apps on flaky connections resend a post when they didn't see the answer; toot and Mastodon.py
send a fresh key with each new post and the same key with each retry. As on Mastodon, the same
key from the same account within an hour answers with the post made the first time.

The key is claimed by inserting an IdempotencyKey row in the same transaction that creates the
post, under a unique (account, digest) constraint. Two requests racing with one key can't both
insert it: on PostgreSQL the second insert waits for the first transaction and then fails, and
reads the committed row with its post; on SQLite writers are serialised anyway. If the first
one fails (bad input), its row is rolled back with it and the retry posts normally.

Rows older than KEY_LIFETIME are ignored (and replaced when the key comes again); `hearth purge`
deletes them (registered in ApiConfig.ready()).
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.accounts.models import Account
from hearth.api.errors import ApiError
from hearth.api.models import IdempotencyKey
from hearth.posts.models import Post

KEY_LIFETIME = timedelta(hours=1)


def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def post_once(*, author: Account, key: str, create: Callable[[], Post]) -> tuple[Post, bool]:
    """The post `author` made with `key` within the last hour, or the one `create()` makes now
    (claiming the key in the same transaction). Returns (post, created)."""
    digest = key_digest(key)
    cutoff = timezone.now() - KEY_LIFETIME
    IdempotencyKey.objects.filter(account=author, digest=digest, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(account=author, digest=digest)
    except IntegrityError:
        earlier = (
            IdempotencyKey.objects.filter(account=author, digest=digest, post__isnull=False)
            .select_related("post")
            .first()
        )
        if earlier is None or earlier.post is None:
            # Only possible if the earlier post was deleted while this request waited.
            raise ApiError(
                409, "Another request with this Idempotency-Key is in progress"
            ) from None
        return earlier.post, False
    post = create()
    claim.post = post
    claim.save(update_fields=["post"])
    return post, True


def idempotency_keys_purge() -> int:
    """Delete keys older than KEY_LIFETIME; returns how many. A `hearth purge` job."""
    deleted, _ = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - KEY_LIFETIME
    ).delete()
    return deleted
