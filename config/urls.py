from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # The client API, OAuth and the authorized-apps page; before the web's catch-all slugs.
    path("", include("hearth.api.urls")),
    path("", include("hearth.web.urls")),
]

if settings.HEARTH_SERVE_MEDIA:
    # On one box the app serves uploads itself; at scale the web server or a CDN does.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler400 = "hearth.web.views.errors.bad_request"
handler403 = "hearth.web.views.errors.permission_denied"
handler404 = "hearth.web.views.errors.page_not_found"
handler500 = "hearth.web.views.errors.server_error"
