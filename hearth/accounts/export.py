"""Download your data: a zip of everything an account owns, built in the background.

A request creates a `DataExport` row and enqueues `export_build_task` on commit; the task writes
`account.json` plus the media files into a zip and moves the row from pending to done (or failed),
updating `progress` as it goes so the settings page can show a bar.

The archive is assembled from `EXPORT_SECTIONS`: each section names a key of `account.json` and a
function that returns that key's data, copying any files it mentions into the archive. Later apps
(posts, follows, ...) add theirs with `export_section_register()` from their `AppConfig.ready()`,
so this module never needs to import them.
"""

import json
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import PurePosixPath
from typing import Any, TypedDict

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.formats import date_format

from hearth.accounts.models import Account, DataExport, User
from hearth.accounts.models.account import ProfileLink
from hearth.accounts.models.export import export_storage

logger = logging.getLogger(__name__)

#: How often a member may ask for a new archive (a failed one doesn't count).
EXPORT_INTERVAL = timedelta(hours=24)
#: How long a finished archive is kept before `export_purge_expired` deletes it.
EXPORT_RETENTION = timedelta(days=7)
#: A pending or running export older than this was lost by a dead worker: it is marked failed, so
#: the member can ask again instead of waiting forever.
EXPORT_STALE_AFTER = timedelta(hours=6)
#: Version of the account.json layout, bumped when a key changes meaning.
EXPORT_FORMAT = 1

State = DataExport.State


class ExportArchive:
    """The zip being written. Sections copy stored files into it under `media/`."""

    def __init__(self, zip_file: zipfile.ZipFile) -> None:
        self._zip = zip_file

    def add_stored_file(self, field_file: FieldFile, name: str) -> str | None:
        """Copy an uploaded file into the archive as media/<name><ext>; its archive path, or None.

        A file missing from storage is left out (and logged) rather than failing the export: the
        member still gets everything else.
        """
        stored_name = field_file.name
        if not stored_name:
            return None
        arcname = f"media/{name}{PurePosixPath(stored_name).suffix.lower()}"
        try:
            with (
                field_file.storage.open(stored_name, "rb") as source,
                self._zip.open(arcname, "w") as target,
            ):
                shutil.copyfileobj(source, target)
        except FileNotFoundError:
            logger.warning("export: %s is missing from storage, left out", stored_name)
            return None
        return arcname


#: A section's builder returns the JSON data for its key of account.json.
SectionBuilder = Callable[[User, ExportArchive], Mapping[str, Any] | Sequence[Any]]


@dataclass(frozen=True)
class ExportSection:
    key: str
    build: SectionBuilder


class UserData(TypedDict):
    id: str
    username: str
    email: str
    first_name: str
    last_name: str
    date_joined: datetime
    last_login: datetime | None
    deletion_scheduled_at: datetime | None


class EmailAddressData(TypedDict):
    email: str
    primary: bool
    verified: bool


class PreferencesData(TypedDict):
    default_visibility: str
    language: str
    theme: str


class ProfileData(TypedDict):
    id: str
    username: str
    display_name: str
    bio: str
    avatar: str | None
    header: str | None
    links: list[ProfileLink]
    locked: bool
    discoverable: bool
    followers_count: int
    following_count: int
    posts_count: int
    created_at: datetime


class SessionData(TypedDict):
    ip: str
    user_agent: str
    created_at: datetime
    last_seen_at: datetime


def _user_section(user: User, archive: ExportArchive) -> UserData:
    # Everything but the password hash, which is a secret even from its owner.
    return {
        "id": str(user.pk),
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "deletion_scheduled_at": user.deletion_scheduled_at,
    }


def _email_addresses_section(user: User, archive: ExportArchive) -> list[EmailAddressData]:
    addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return [{"email": a.email, "primary": a.primary, "verified": a.verified} for a in addresses]


def _preferences_section(user: User, archive: ExportArchive) -> PreferencesData:
    return {
        "default_visibility": user.default_visibility,
        "language": user.language,
        "theme": user.theme,
    }


def _profile_section(user: User, archive: ExportArchive) -> ProfileData | dict[str, Any]:
    account = Account.objects.filter(user=user).first()
    if account is None:
        return {}
    return {
        "id": str(account.pk),
        "username": account.username,
        "display_name": account.display_name,
        "bio": account.bio,
        "avatar": archive.add_stored_file(account.avatar, "avatar"),
        "header": archive.add_stored_file(account.header, "header"),
        "links": list(account.links),
        "locked": account.locked,
        "discoverable": account.discoverable,
        "followers_count": account.followers_count,
        "following_count": account.following_count,
        "posts_count": account.posts_count,
        "created_at": account.created_at,
    }


def _sessions_section(user: User, archive: ExportArchive) -> list[SessionData]:
    sessions = UserSession.objects.filter(user=user).order_by("-last_seen_at")
    return [
        {
            "ip": s.ip,
            "user_agent": s.user_agent,
            "created_at": s.created_at,
            "last_seen_at": s.last_seen_at,
        }
        for s in sessions
    ]


EXPORT_SECTIONS: list[ExportSection] = [
    ExportSection("user", _user_section),
    ExportSection("email_addresses", _email_addresses_section),
    ExportSection("preferences", _preferences_section),
    ExportSection("profile", _profile_section),
    ExportSection("sessions", _sessions_section),
]


def export_section_register(section: ExportSection) -> None:
    """Add an app's data to every future archive (call from the app's `AppConfig.ready()`)."""
    if any(existing.key == section.key for existing in EXPORT_SECTIONS):
        raise ValueError(f"an export section named {section.key!r} is registered already")
    EXPORT_SECTIONS.append(section)


README = """\
Your data from {instance}, as of {when}.

account.json  your account, email addresses, preferences, profile and signed-in sessions
media/        the pictures you uploaded (avatar, header), referred to from account.json

Times are in UTC (ISO 8601). Your password is not included.
"""


def export_list_for(*, user: User) -> QuerySet[DataExport]:
    """The member's exports, newest first."""
    return DataExport.objects.filter(user=user).order_by("-created_at", "-id")


def export_latest_for(*, user: User) -> DataExport | None:
    return export_list_for(user=user).first()


def export_next_allowed_at(latest: DataExport | None) -> datetime | None:
    """When a member whose latest export is `latest` may ask for another; None if now."""
    if latest is None or latest.state == State.FAILED:
        return None
    next_allowed = latest.created_at + EXPORT_INTERVAL
    return next_allowed if next_allowed > timezone.now() else None


def _fail_stale(exports: QuerySet[DataExport]) -> None:
    exports.filter(
        state__in=[State.PENDING, State.RUNNING],
        created_at__lt=timezone.now() - EXPORT_STALE_AFTER,
    ).update(state=State.FAILED, error="timed out", finished_at=timezone.now())


@transaction.atomic
def export_request(*, user: User) -> DataExport:
    """Ask for a new archive; it is built in the background once this transaction commits.

    Raises ValidationError while one is being prepared, or within a day of the last good one.
    """
    # Lock the member's row so that a double click cannot slip two requests past the checks.
    User.objects.select_for_update().filter(pk=user.pk).first()
    _fail_stale(DataExport.objects.filter(user=user))
    latest = export_latest_for(user=user)
    if latest is not None and latest.in_progress:
        raise ValidationError("Your archive is already being prepared. It will appear here soon.")
    next_allowed = export_next_allowed_at(latest)
    if next_allowed is not None:
        when = date_format(timezone.localtime(next_allowed), "j F Y, H:i T")
        raise ValidationError(
            f"You can ask for one archive a day. You can ask for a new one after {when}."
        )
    export = DataExport.objects.create(user=user)
    # tasks.py imports this module for the service it calls; importing the task here, at call
    # time, keeps that the only import between the two.
    from hearth.accounts.tasks import export_build_task

    transaction.on_commit(partial(export_build_task.delay, export.pk))
    return export


def _set(export: DataExport, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(export, name, value)
    DataExport.objects.filter(pk=export.pk).update(**fields)


def _write_archive(export: DataExport, target: Any) -> None:
    user = export.user
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "instance": settings.HEARTH_DOMAIN,
        "generated_at": timezone.now(),
    }
    sections = list(EXPORT_SECTIONS)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zip_file:
        archive = ExportArchive(zip_file)
        for done, section in enumerate(sections, start=1):
            data[section.key] = section.build(user, archive)
            # The last few percent are for writing and storing the zip.
            _set(export, progress=90 * done // len(sections))
        zip_file.writestr(
            "account.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        zip_file.writestr(
            "README.txt",
            README.format(instance=settings.HEARTH_INSTANCE_NAME, when=data["generated_at"]),
        )


def export_build(*, export_id: int) -> None:
    """Build the archive of one export. Safe to run again: a finished export is left alone, and
    a half-built one (its worker died) is started over.

    Not atomic on purpose: each progress update commits on its own so that the member's page sees
    the bar move. A failure is recorded on the row, not raised, so the page can say so.
    """
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.state == State.DONE:
        return
    if export.file:
        export.file.delete(save=False)
    _set(export, state=State.RUNNING, progress=0, error="", file="", finished_at=None)
    try:
        with tempfile.TemporaryFile() as spool:
            _write_archive(export, spool)
            spool.seek(0)
            export.file.save("archive.zip", File(spool), save=False)
    except Exception as exc:
        logger.exception("export %s failed", export.pk)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        _set(export, state=State.FAILED, error=error, finished_at=timezone.now())
        return
    _set(export, state=State.DONE, progress=100, file=export.file.name, finished_at=timezone.now())


@transaction.atomic
def export_purge_expired() -> int:
    """Delete archives older than EXPORT_RETENTION, files and rows; how many were deleted."""
    _fail_stale(DataExport.objects.all())
    expired = DataExport.objects.filter(created_at__lt=timezone.now() - EXPORT_RETENTION)
    names = [name for name in expired.values_list("file", flat=True) if name]
    _, deleted = expired.delete()
    transaction.on_commit(partial(_storage_delete, names))
    return deleted.get(DataExport._meta.label, 0)


def _storage_delete(names: Sequence[str]) -> None:
    storage = export_storage()
    for name in names:
        storage.delete(name)
