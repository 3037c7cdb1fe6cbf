"""Writes to the API's own tables (timeline markers)."""

from django.db import transaction
from django.db.models import F

from hearth.accounts.models import Account
from hearth.api.models import TimelineMarker
from hearth.notifications.services import notifications_mark_read


@transaction.atomic
def marker_save(*, account: Account, timeline: str, last_read_id: int) -> TimelineMarker:
    """Remember where `account` stopped reading `timeline` (home or notifications).

    The notifications marker also moves the web's read marker, so reading in an app clears the
    unread badge on the website (it never moves back there).
    """
    updated = TimelineMarker.objects.filter(account=account, timeline=timeline).update(
        last_read_id=last_read_id, version=F("version") + 1
    )
    if not updated:
        TimelineMarker.objects.create(account=account, timeline=timeline, last_read_id=last_read_id)
    if timeline == TimelineMarker.Timeline.NOTIFICATIONS:
        notifications_mark_read(account=account, up_to=last_read_id)
    return TimelineMarker.objects.get(account=account, timeline=timeline)
