# TEMPORARY skeleton; replaced by the profiles work.
from django.http import HttpRequest, HttpResponse


def profile(request: HttpRequest, username: str) -> HttpResponse:
    return HttpResponse(username)
