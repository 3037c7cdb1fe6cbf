from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame needs: the server's name and the reader's theme."""
    user = getattr(request, "user", None)
    theme = user.theme if user is not None and user.is_authenticated else "auto"
    return {
        "instance_name": settings.HEARTH_INSTANCE_NAME,
        "instance_domain": settings.HEARTH_DOMAIN,
        "contact_email": settings.HEARTH_CONTACT_EMAIL,
        "theme": theme,
    }
