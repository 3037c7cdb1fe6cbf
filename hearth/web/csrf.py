"""The CSRF token a response's forms carry."""

from django.http import HttpRequest
from django.middleware.csrf import get_token


def response_csrf_token(request: HttpRequest) -> str:
    """The CSRF token for the forms of this response. Django masks the secret anew on every
    get_token (32 random characters from the system's generator, a system call each) and a
    page asked for it once per rendering: the page, then its cards. One masked token per
    response is what the masking is for (BREACH); a secret rotated mid-request (a login) gets
    a new one."""
    secret = request.META.get("CSRF_COOKIE")
    kept: tuple[str | None, str] | None = request.META.get(_MASKED)
    if kept is not None and kept[0] == secret and secret is not None:
        return kept[1]
    token = get_token(request)
    request.META[_MASKED] = (request.META.get("CSRF_COOKIE"), token)
    return token


_MASKED = "hearth.csrf_masked"
