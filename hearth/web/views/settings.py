# TEMPORARY skeleton; replaced by the profiles / data work.
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("settings_profile")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return HttpResponse("profile settings")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    return HttpResponse("preferences")


@login_required
def data(request: HttpRequest) -> HttpResponse:
    return HttpResponse("data")
