"""Invites: members (or only admins, per the sign-up settings) make invite links at `/invites`;
a visitor opening `/invite/<code>` gets the invite kept in their session and goes to sign-up,
where `hearth.accounts.adapters` honours it (it opens an invite-only server and skips
approval)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hearth.accounts import signups
from hearth.accounts.adapters import INVITE_SESSION_KEY
from hearth.accounts.models import User

#: The choices Mastodon offers, as (form value, label, timedelta or None).
EXPIRY_CHOICES: list[tuple[str, str, timedelta | None]] = [
    ("30m", "30 minutes", timedelta(minutes=30)),
    ("1h", "1 hour", timedelta(hours=1)),
    ("6h", "6 hours", timedelta(hours=6)),
    ("12h", "12 hours", timedelta(hours=12)),
    ("1d", "1 day", timedelta(days=1)),
    ("7d", "1 week", timedelta(days=7)),
    ("never", "Never", None),
]
USES_CHOICES = [("1", "1 use"), *((str(n), f"{n} uses") for n in (5, 10, 25, 50, 100))]
USES_CHOICES.append(("", "No limit"))


class InviteForm(forms.Form):
    expires_in = forms.ChoiceField(
        label="Expires after",
        choices=[(value, label) for value, label, _delta in EXPIRY_CHOICES],
        initial="7d",
    )
    max_uses = forms.ChoiceField(
        label="Can be used", choices=USES_CHOICES, initial="1", required=False
    )

    def expiry(self) -> timedelta | None:
        chosen = self.cleaned_data["expires_in"]
        return next(delta for value, _label, delta in EXPIRY_CHOICES if value == chosen)

    def uses(self) -> int | None:
        chosen = self.cleaned_data.get("max_uses") or ""
        return int(chosen) if chosen else None


def invite_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("invite", kwargs={"code": code}))


@login_required
@require_http_methods(["GET", "POST"])
def invites(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  # login_required
    can_create = signups.invite_can_create(user)
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_create:
            status = 403
        elif form.is_valid():
            try:
                invite = signups.invite_create(
                    created_by=user, expires_in=form.expiry(), max_uses=form.uses()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"Invite created. Share this link: {invite_url(request, invite.code)}"
                )
                return redirect("invites")
        status = 400 if status == 200 else status
    rows = [
        {"invite": invite, "url": invite_url(request, invite.code)}
        for invite in signups.invites_of(user)[:100]
    ]
    return render(
        request,
        "invites/invites.html",
        {
            "form": form,
            "can_create": can_create,
            "rows": rows,
            "policy": signups.signup_settings(),
        },
        status=status,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    invite = signups.invite_find(code)
    if invite is None or (invite.created_by_id != request.user.pk and not request.user.is_staff):
        raise Http404
    signups.invite_revoke(invite=invite)
    messages.success(request, "Invite withdrawn: its link no longer works.")
    return redirect("invites")


@require_GET
def invite(request: HttpRequest, code: str) -> HttpResponse:
    """An invite link: keep the invite for sign-up, or say plainly why it can't be used."""
    found = signups.invite_find(code)
    problem = signups.invite_problem(found)
    if not problem and signups.signup_settings().mode == "closed":
        problem = signups.SIGNUPS_CLOSED
    if problem:
        return render(
            request,
            "invites/unusable.html",
            {"problem": problem, "signup_open": signups.signup_gate().open},
            status=404 if found is None else 410,
        )
    request.session[INVITE_SESSION_KEY] = code
    if request.user.is_authenticated:
        messages.info(request, "You already have an account here; invites are for newcomers.")
        return redirect("home")
    return redirect("account_signup")
