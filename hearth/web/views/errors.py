"""Error pages in the site's own frame. They render without the database, which may be the
reason for the error."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from hearth.core.ratelimit import RateLimited


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _notice(status: int, context: dict[str, object]) -> HttpResponse:
    """An error for a request htmx sent: a short notice, shown by notices.js (htmx swaps
    nothing on an error, and a whole page would be of no use in a button's place)."""
    html = loader.get_template("web/_notice.html").render(context, None)
    return HttpResponse(html, status=status)


def _render(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if _is_htmx(request):
        return _notice(status, {"message": f"{title}. {message}"})
    template = loader.get_template("web/error.html")
    context = {
        "status": status,
        "title": title,
        "message": message,
        "instance_name": settings.HEARTH_INSTANCE_NAME,
        "theme": "auto",
    }
    return HttpResponse(template.render(context, None), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(
        request,
        403,
        "Not allowed",
        "You don’t have permission to see this page. "
        "If you think you should, sign in with the right account or contact the server’s team.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(
        request,
        404,
        "Page not found",
        "There’s nothing here. The link may be mistyped, or the page was removed or made private.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        500,
        "Something went wrong",
        "The server hit an error. It has been logged; please try again in a moment.",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _render(
        request,
        403,
        "This form expired",
        "For your security, forms stop working after a while or when cookies are blocked. "
        "Go back, reload the page and try again.",
    )


#: What each limited action's 429 page says; none of them tells whether a login name exists.
RATE_LIMIT_MESSAGES = {
    "login": "There have been too many unsuccessful attempts to sign in with this name from "
    "your network, so signing in with it is paused for a while. If you forgot your password, "
    "you can reset it.",
    "signup": "Too many accounts have been created from your network recently.",
    "post": "You’ve posted a lot in a short time.",
    "message": "You’ve sent a lot of messages in a short time.",
    "follow": "You’ve followed a lot of people in a short time.",
    "report": "You’ve sent a lot of reports in a short time.",
}
GENERAL_LIMIT_MESSAGE = (
    "You’ve done this many times in a short while. To keep the server pleasant for everyone, "
    "there is a limit."
)


def _wait(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} minutes"
    hours = round(seconds / 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def too_many_requests(request: HttpRequest, exception: RateLimited) -> HttpResponse:
    """The 429 page for Hearth's rate limits, saying when to try again (and Retry-After); for
    a request htmx sent, the same words as a notice."""
    context = {
        "message": RATE_LIMIT_MESSAGES.get(exception.action, "") or GENERAL_LIMIT_MESSAGE,
        "retry_after": exception.retry_after,
        "wait": _wait(exception.retry_after),
        "reset_at": exception.reset_at,
        "action": exception.action,
    }
    if _is_htmx(request):
        response = _notice(429, context)
    else:
        response = render(request, "429.html", context, status=429)
    for header, value in exception.headers().items():
        response[header] = value
    return response
