"""GET and POST /api/v1/markers: where the member stopped reading home and notifications."""

from django.http import HttpRequest
from ninja import Router, Schema

from hearth.api.auth import me, token
from hearth.api.errors import validation_error
from hearth.api.models import TimelineMarker
from hearth.api.parsing import parse_body, parse_query
from hearth.api.schemas.common import Out, rfc3339
from hearth.api.selectors import markers_for
from hearth.api.services import marker_save

router = Router(tags=["markers"])

TIMELINES = tuple(TimelineMarker.Timeline.values)
_LARGEST_ID = 2**63 - 1


class MarkerOut(Out):
    last_read_id: str
    version: int
    updated_at: str


class MarkersQuery(Schema):
    timeline: list[str] | str = []


class MarkerIn(Schema):
    last_read_id: int | str


class MarkersIn(Schema):
    home: MarkerIn | None = None
    notifications: MarkerIn | None = None


def _out(markers: list[TimelineMarker]) -> dict[str, MarkerOut]:
    return {
        marker.timeline: MarkerOut(
            last_read_id=str(marker.last_read_id),
            version=marker.version,
            updated_at=rfc3339(marker.updated_at),
        )
        for marker in markers
    }


@router.get("", response=dict[str, MarkerOut], auth=token("read:statuses"))
def markers(request: HttpRequest) -> dict[str, MarkerOut]:
    query = parse_query(request, MarkersQuery)
    asked = [query.timeline] if isinstance(query.timeline, str) else query.timeline
    wanted = [name for name in asked if name in TIMELINES]
    return _out(markers_for(account=me(request), timelines=wanted))


@router.post("", response=dict[str, MarkerOut], auth=token("write:statuses"))
def save(request: HttpRequest) -> dict[str, MarkerOut]:
    data = parse_body(request, MarkersIn)
    account = me(request)
    saved = []
    for timeline in TIMELINES:
        marker = getattr(data, timeline)
        if marker is None:
            continue
        try:
            last_read_id = int(str(marker.last_read_id))
        except ValueError:
            last_read_id = -1
        if not 0 <= last_read_id <= _LARGEST_ID:
            raise validation_error({f"{timeline}.last_read_id": ["Must be a status id."]})
        saved.append(marker_save(account=account, timeline=timeline, last_read_id=last_read_id))
    if not saved:
        raise validation_error({"home": ["Send home[last_read_id] or notifications[...]."]})
    return _out(saved)
