from hearth.api.models.client_application import ClientApplication
from hearth.api.models.idempotency_key import IdempotencyKey
from hearth.api.models.marker import TimelineMarker

__all__ = ["ClientApplication", "IdempotencyKey", "TimelineMarker"]
