"""GET /api/v1/instance (anonymous, always 200: Mastodon.py loops forever otherwise) and
/api/v1/instance/rules."""

from django.http import HttpRequest
from ninja import Router

from hearth.api.registrations import registrations_open
from hearth.api.schemas.common import context_for
from hearth.api.schemas.instance import RuleOut, V1InstanceOut, rule_list, v1_instance_out
from hearth.api.selectors import server_rules

router = Router(tags=["instance"])


@router.get("", response=V1InstanceOut)
def instance(request: HttpRequest) -> V1InstanceOut:
    return v1_instance_out(
        request, context_for(request), registrations_open=registrations_open(request)
    )


@router.get("/rules", response=list[RuleOut])
def rules(request: HttpRequest) -> list[RuleOut]:
    return rule_list(server_rules())
