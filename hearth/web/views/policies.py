# TEMPORARY skeleton; replaced by the policy pages work.
from django.http import Http404, HttpRequest, HttpResponse


def about(request: HttpRequest) -> HttpResponse:
    return HttpResponse("about")


def policy(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in {"privacy", "terms", "guidelines"}:
        raise Http404
    return HttpResponse(slug)
