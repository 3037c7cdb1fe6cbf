"""Error pages in the site's own frame. They render without the database, which may be the
reason for the error."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader


def _render(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
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
