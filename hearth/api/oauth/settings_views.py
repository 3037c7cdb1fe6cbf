"""/settings/apps: the apps a member has let into their account, each with Revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from oauth2_provider.models import Application

from hearth.accounts.models import User
from hearth.api.oauth.scopes import describe
from hearth.api.oauth.selectors import authorized_apps_for
from hearth.api.oauth.services import authorization_revoke


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required ran
    return request.user


@login_required
def apps(request: HttpRequest) -> HttpResponse:
    authorized = authorized_apps_for(user=_member(request))
    rows = [(app, [describe(scope) for scope in app.scopes]) for app in authorized]
    return render(request, "api/settings_apps.html", {"rows": rows})


@login_required
@require_POST
def revoke(request: HttpRequest, application_id: int) -> HttpResponse:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        raise Http404("No such app.")
    revoked = authorization_revoke(user=_member(request), application=application)
    if revoked:
        messages.success(request, f"{application.name} can no longer use your account.")
    return redirect("settings_apps")
