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
from hearth.core.urls import nest_by_prefix


@csrf_exempt
def api_not_found(request: HttpRequest) -> JsonResponse:
    """Unknown /api/ paths answer in JSON, not with the site's HTML 404 page."""
    return JsonResponse({"error": "Record not found"}, status=404)


_api_routes, _api_app, _api_namespace = api.urls
#: What clients ask for most: reading timelines and notifications, then posting.
_BUSIEST = ("v1/timelines", "v1/statuses", "v1/notifications", "v1/accounts", "v1/markers")

urlpatterns: list[URLPattern | URLResolver] = [
    # One include per resource (v1/statuses, ...): resolving a path tries a few dozen prefixes
    # instead of a hundred routes (hearth.core.urls).
    path("api/", (nest_by_prefix(_api_routes, first=_BUSIEST), _api_app, _api_namespace)),
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
