"""GET /api/v2/instance: the entity Ivory, Elk and Ice Cubes read at start-up."""

from django.http import HttpRequest
from ninja import Router

from hearth.api.registrations import registrations_open
from hearth.api.schemas.common import context_for
from hearth.api.schemas.instance import InstanceOut, instance_out

router = Router(tags=["instance"])


@router.get("", response=InstanceOut)
def instance(request: HttpRequest) -> InstanceOut:
    return instance_out(
        request, context_for(request), registrations_open=registrations_open(request)
    )
