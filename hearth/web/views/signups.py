"""Settings → Sign-ups, for admins: the sign-up mode and the queue of applications waiting for
approval. (Blocked email domains and every invite are in the Django admin.)"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from hearth.accounts import signups
from hearth.accounts.models import InvitesBy, SignupApplication, SignupMode, User


class SignupSettingsForm(forms.Form):
    mode = forms.ChoiceField(
        label="Who can join", choices=SignupMode.choices, widget=forms.RadioSelect
    )
    invites_by = forms.ChoiceField(label="Who can create invites", choices=InvitesBy.choices)
    closed_message = forms.CharField(
        label="Message on the sign-up page when it is closed or invite-only",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, where people can ask for an invite.",
    )


def _admin(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_staff:
        raise PermissionDenied
    return user


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    _admin(request)
    policy = signups.signup_settings()
    form = SignupSettingsForm(
        request.POST or None,
        initial={
            "mode": policy.mode,
            "invites_by": policy.invites_by,
            "closed_message": policy.closed_message,
        },
    )
    if request.method == "POST" and form.is_valid():
        signups.signup_settings_update(**form.cleaned_data)
        messages.success(request, "Sign-up settings saved.")
        return redirect("settings_signups")
    pending = list(signups.applications_pending()[:100])
    return render(
        request,
        "accounts/signups_admin.html",
        {"form": form, "pending": pending},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def decide(request: HttpRequest, application_id: int, decision: str) -> HttpResponse:
    admin = _admin(request)
    application = SignupApplication.objects.filter(pk=application_id).first()
    if application is None or decision not in ("approve", "reject"):
        raise Http404
    try:
        if decision == "approve":
            signups.application_approve(application=application, by=admin)
            messages.success(request, f"@{application.username} can log in now; we emailed them.")
        else:
            signups.application_reject(application=application, by=admin)
            messages.success(request, f"Application from @{application.username} rejected.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("settings_signups")
