"""Every API and OAuth route answers with and without a trailing slash.

Mastodon.py asks for `/api/v1/instance/`, toot opens `/oauth/authorize/`, and others leave the
slash off. Django's APPEND_SLASH only redirects (and cannot redirect a POST), so instead the
slash is dropped from the path before URL resolution: the routes are declared once, without it.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

#: Paths under these prefixes are matched without their trailing slash.
SLASH_OPTIONAL_PREFIXES = ("/api/", "/oauth/", "/.well-known/")


class OptionalTrailingSlashMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if len(path) > 1 and path.endswith("/") and path.startswith(SLASH_OPTIONAL_PREFIXES):
            request.path_info = path.rstrip("/") or "/"
        return self.get_response(request)
