from hearth.api.models.client_application import ClientApplication
from hearth.api.models.marker import TimelineMarker

__all__ = ["ClientApplication", "TimelineMarker"]
