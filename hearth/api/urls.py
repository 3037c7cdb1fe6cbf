"""URLs of the client API and OAuth, mirroring Mastodon's paths.

Slashes: routes are declared without a trailing slash; OptionalTrailingSlashMiddleware drops
one from /api/, /oauth/ and /.well-known/ paths before resolution, so both forms match.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt

from hearth.api.main import api
from hearth.api.oauth import settings_views
from hearth.api.oauth import views as oauth


@csrf_exempt
def api_not_found(request: HttpRequest) -> JsonResponse:
    """Unknown /api/ paths answer in JSON, not with the site's HTML 404 page."""
    return JsonResponse({"error": "Record not found"}, status=404)


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/", api.urls),
    re_path(r"^api/", api_not_found),
    path("oauth/authorize", oauth.authorize, name="oauth_authorize"),
    path("oauth/authorize/native", oauth.native, name="oauth_native"),
    path("oauth/token", oauth.token, name="oauth_token"),
    path("oauth/revoke", oauth.revoke, name="oauth_revoke"),
    path(
        ".well-known/oauth-authorization-server",
        oauth.authorization_server_metadata,
        name="oauth_metadata",
    ),
    path("settings/apps", settings_views.apps, name="settings_apps"),
    path(
        "settings/apps/<int:application_id>/revoke",
        settings_views.revoke,
        name="settings_apps_revoke",
    ),
]
