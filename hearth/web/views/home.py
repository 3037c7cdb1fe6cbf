from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the member's home (timelines arrive with the social core). Otherwise: welcome."""
    if request.user.is_authenticated:
        return render(request, "web/home.html")
    return render(request, "web/welcome.html")
