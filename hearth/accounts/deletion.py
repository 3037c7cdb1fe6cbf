"""Deleting an account: a request with the password, a grace period with a cancel, then an erase.

During the grace period (settings.HEARTH_DELETION_GRACE_DAYS) the member is logged out everywhere
and their profile is hidden; logging in again leads to the page that cancels the deletion. Once
the period is over, `accounts_erase_due` (run daily by `hearth purge` or Celery beat) erases the
account for real: rows, uploaded files, archives and sessions.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import Account, User
from hearth.accounts.models.export import export_storage

logger = logging.getLogger(__name__)

#: Functions run inside the erase transaction, before the User row (and everything that cascades
#: from it) is deleted. Later apps register here what a cascade cannot reach, such as their files
#: in storage or search index entries; non-transactional work belongs in transaction.on_commit.
ACCOUNT_ERASERS: list[Callable[[User], None]] = []


@transaction.atomic
def account_deletion_request(*, user: User, password: str) -> datetime:
    """Schedule the member's account for erasure after the grace period; log out every session.

    Raises ValidationError (on "password") when the password is wrong. Returns the erase date.
    """
    if not user.check_password(password):
        raise ValidationError({"password": "That’s not your current password."})
    if user.deletion_scheduled_at is not None:
        raise ValidationError("Your account is already scheduled for deletion.")
    user.deletion_scheduled_at = timezone.now() + timedelta(
        days=settings.HEARTH_DELETION_GRACE_DAYS
    )
    user.save(update_fields=["deletion_scheduled_at"])
    _sessions_end_on_commit(user)
    return user.deletion_scheduled_at


@transaction.atomic
def account_deletion_cancel(*, user: User) -> None:
    """Keep the account: clear the scheduled deletion."""
    user.deletion_scheduled_at = None
    user.save(update_fields=["deletion_scheduled_at"])


@transaction.atomic
def account_erase(*, user_id: int) -> bool:
    """Erase a member for real: user, account, email addresses, exports, sessions and files.

    Returns False when there was no such user (erasing twice is harmless), or when the account
    is under legal hold (nothing is erased then).
    """
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        return False
    if Account.objects.filter(user=user, legal_hold_at__isnull=False).exists():
        # Preserved for a lawful request (hearth.moderation): erased once the hold is released.
        logger.info("user %s is under legal hold; not erased", user_id)
        return False
    for eraser in ACCOUNT_ERASERS:
        eraser(user)
    folders = []
    files = []
    for account in Account.objects.filter(user=user):
        folders.append(f"accounts/{account.pk}")
        files += [field.name for field in (account.avatar, account.header) if field]
    _sessions_end_on_commit(user)
    # Account, EmailAddress (and its confirmations), DataExport, UserSession and MFA
    # authenticators all cascade from the user row.
    Account.objects.filter(user=user).delete()
    user.delete()
    # Files go once the rows are gone for good: a rolled-back erase must not lose the pictures.
    transaction.on_commit(partial(_storage_erase, files, folders))
    transaction.on_commit(partial(_storage_delete_tree, f"exports/{user_id}", export_storage()))
    logger.info("erased user %s", user_id)
    return True


def accounts_erase_due() -> int:
    """Erase every account whose grace period is over; how many were erased.

    Each account is erased in its own transaction, so one failure doesn't hold up the others.
    """
    due = User.objects.filter(deletion_scheduled_at__lte=timezone.now())
    erased = 0
    for user_id in due.values_list("pk", flat=True):
        try:
            erased += _erase_if_due(user_id)
        except Exception:
            logger.exception("erasing user %s failed; will retry on the next run", user_id)
    return erased


@transaction.atomic
def _erase_if_due(user_id: int) -> bool:
    # Checked again under the row lock: the member may have cancelled since the list was read.
    still_due = (
        User.objects.select_for_update()
        .filter(pk=user_id, deletion_scheduled_at__lte=timezone.now())
        .exists()
    )
    return still_due and account_erase(user_id=user_id)


def _sessions_end_on_commit(user: User) -> None:
    # allauth records every signed-in session (USERSESSIONS_TRACK_ACTIVITY), which is how we find
    # them: Django's session table is not keyed by user.
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    UserSession.objects.filter(user=user).delete()
    transaction.on_commit(partial(_sessions_delete, keys))


def _sessions_delete(keys: Sequence[str]) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for key in keys:
        store.delete(key)


def _storage_erase(files: Sequence[str], folders: Sequence[str]) -> None:
    for name in files:
        default_storage.delete(name)
    for folder in folders:
        _storage_delete_tree(folder)


def _storage_delete_tree(folder: str, storage: Storage = default_storage) -> None:
    try:
        subfolders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        storage.delete(f"{folder}/{name}")
    for name in subfolders:
        _storage_delete_tree(f"{folder}/{name}", storage)
    # On a filesystem this removes the now empty folder; object stores have no folders.
    storage.delete(folder)
