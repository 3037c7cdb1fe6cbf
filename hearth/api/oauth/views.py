"""OAuth 2 endpoints: the approval page, the code page for apps without a browser redirect,
tokens, revocation, and server metadata.

The approval page is an HTML page in the site's frame and keeps CSRF protection; the token and
revoke endpoints are called by apps (and from browsers, by Phanpy) and are exempt.
"""

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import Application
from oauth2_provider.oauth2_backends import get_oauthlib_core

from hearth.api.oauth.scopes import describe, known_scopes
from hearth.api.oauth.services import OOB


class AnySchemeRedirect(HttpResponseRedirect):
    """A redirect to a registered redirect URI, whatever its scheme: apps register
    `oauth2redirect://...`, `icecubesapp://` or `com.example:/cb`, which Django's redirect
    refuses. Only URIs the app registered (checked by oauthlib) ever get here."""

    def __init__(self, url: str) -> None:
        scheme = urlsplit(url).scheme
        self.allowed_schemes = [scheme] if scheme else ["http", "https"]
        super().__init__(url)


def _problem(request: HttpRequest, error: OAuthToolkitError | Exception) -> HttpResponse:
    oauth_error = getattr(error, "oauthlib_error", None)
    description = getattr(oauth_error, "description", "") or "The request is not valid."
    return render(request, "api/authorize_error.html", {"description": description}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """GET shows the approval page (after logging in); POST carries the member's decision."""
    core = get_oauthlib_core()
    try:
        scopes, credentials = core.validate_authorization_request(request)
    except OAuthToolkitError as error:
        # Never redirect back to an app whose client id or redirect URI did not check out.
        return _problem(request, error)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    application = Application.objects.get(client_id=credentials["client_id"])
    redirect_uri: str = credentials["redirect_uri"]
    if request.method == "POST":
        if request.POST.get("decision") != "approve":
            return _denied(request, application, redirect_uri, credentials.get("state"))
        try:
            uri, _headers, _body, _status = core.create_authorization_response(
                request, scopes, credentials, allow=True
            )
        except OAuthToolkitError as error:
            return _problem(request, error)
        if redirect_uri == OOB:
            code = parse_qs(urlsplit(uri).query).get("code", [""])[0]
            return HttpResponseRedirect(f"{reverse('oauth_native')}?{urlencode({'code': code})}")
        return AnySchemeRedirect(uri)
    context = {
        "application": application,
        "website": getattr(getattr(application, "mastodon", None), "website", ""),
        "scopes": [(scope, describe(scope)) for scope in scopes],
        "out_of_band": redirect_uri == OOB,
        "redirect_host": urlsplit(redirect_uri).netloc or urlsplit(redirect_uri).scheme,
    }
    return render(request, "api/authorize.html", context)


def _denied(
    request: HttpRequest, application: Application, redirect_uri: str, state: str | None
) -> HttpResponse:
    if redirect_uri == OOB:
        return render(request, "api/authorize_denied.html", {"application": application})
    params = {"error": "access_denied", "error_description": "The member denied access."}
    if state:
        params["state"] = state
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return AnySchemeRedirect(f"{redirect_uri}{separator}{urlencode(params)}")


@require_GET
def native(request: HttpRequest) -> HttpResponse:
    """Where `urn:ietf:wg:oauth:2.0:oob` ends: the code, to paste into the app."""
    return render(request, "api/authorize_native.html", {"code": request.GET.get("code", "")})


def _oauth_response(body: str, status: int, headers: dict[str, str]) -> JsonResponse:
    try:
        data: Any = json.loads(body) if body else {}
    except ValueError:
        data = {"error": "invalid_request"}
    response = JsonResponse(data if isinstance(data, dict) else {}, status=status)
    for name, value in headers.items():
        if name.lower() not in ("content-type",):
            response[name] = value
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    """POST /oauth/token: every grant, answered the way Mastodon answers."""
    _uri, headers, body, status = get_oauthlib_core().create_token_response(request)
    response = _oauth_response(body, status, headers)
    if status == 200:
        data = json.loads(response.content)
        data["token_type"] = "Bearer"  # noqa: S105  # the scheme's name
        # Mastodon.py splits `scope` and checks that every scope it asked for is in it.
        data.setdefault("scope", "read")
        data["created_at"] = int(time.time())
        response = _oauth_response(json.dumps(data), status, {})
    return response


@csrf_exempt
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    """POST /oauth/revoke: `{}` on success, as Mastodon answers."""
    _uri, headers, body, status = get_oauthlib_core().create_revocation_response(request)
    if status == 200:
        return _oauth_response("{}", 200, {})
    return _oauth_response(body, status, headers)


@require_GET
def authorization_server_metadata(request: HttpRequest) -> HttpResponse:
    """RFC 8414 metadata, served only over HTTPS.

    Mastodon.py trusts these endpoints when the document exists and refuses http:// ones
    unless the caller opts in, so on a plain-HTTP server (development) the document is left
    out and clients fall back to the standard /oauth/... paths.
    """
    if not settings.HEARTH_HTTPS:
        return JsonResponse({"error": "Record not found"}, status=404)
    base = request.build_absolute_uri("/").rstrip("/")
    grants = ["authorization_code", "client_credentials", "refresh_token"]
    if settings.HEARTH_OAUTH_PASSWORD_GRANT:
        grants.append("password")
    return JsonResponse(
        {
            "issuer": f"{base}/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": f"{base}/oauth/authorize",
            "token_endpoint": f"{base}/oauth/token",
            "revocation_endpoint": f"{base}/oauth/revoke",
            "app_registration_endpoint": f"{base}/api/v1/apps",
            "scopes_supported": sorted(known_scopes()),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "grant_types_supported": grants,
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "code_challenge_methods_supported": ["S256"],
        }
    )
