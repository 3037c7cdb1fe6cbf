"""Static files' addresses, worked out once per process.

`{% static %}` and `django.templatetags.static.static` build an address on every call (the
storage's `url`: a manifest lookup and two urljoins, ~16 us). The manifest is read when the
process starts and a static file's address never changes while it runs, so pages and API
entities (the default avatar of every account without one) ask here instead.
"""

from functools import cache as memoize
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static


@memoize
def static_url(path: str) -> str:
    """The address of the static file `path`, as `static(path)` gives it."""
    return static(path)


@receiver(setting_changed)
def _addresses_forget(*, setting: str, **kwargs: Any) -> None:
    """Tests that change static settings get fresh addresses."""
    if setting in {"STATIC_URL", "STORAGES", "FORCE_SCRIPT_NAME"}:
        static_url.cache_clear()
