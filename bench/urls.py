"""The bench urlconf: the real one plus the bench-only routes (config.settings_bench)."""

from django.urls import URLPattern, URLResolver, path

from bench import views
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site

urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/floor", views.floor, name="bench_floor"),
    *site,
]
