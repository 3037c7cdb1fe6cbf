"""Settings pages: the profile others see and the member's own preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hearth.accounts.forms import PreferencesForm, ProfileForm
from hearth.accounts.models import Account, User
from hearth.accounts.services import (
    account_create_for_user,
    preferences_update,
    profile_update,
)
from hearth.graph.services import follow_requests_accept_all


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required ran
    return request.user


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("settings_profile")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    # Members made outside sign-up (`createsuperuser`) may not have a public identity yet.
    account = getattr(user, "account", None) or account_create_for_user(user=user)
    form = ProfileForm(initial=ProfileForm.initial_for(account))
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            was_locked = account.locked
            try:
                account = profile_update(account=account, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your profile is saved.")
                if was_locked and not account.locked:
                    _accept_waiting_followers(request, account)
                return redirect("settings_profile")
    return render(request, "web/settings/profile.html", {"form": form, "account": account})


def _accept_waiting_followers(request: HttpRequest, account: Account) -> None:
    """An account that stops approving followers lets in everyone who was waiting: the requests
    would otherwise sit unanswered behind a door that is now open."""
    accepted = follow_requests_accept_all(actor=account)
    if accepted:
        plural = "s" if accepted != 1 else ""
        messages.info(
            request,
            f"You no longer approve followers, so {accepted} pending request{plural} "
            f"{'were' if plural else 'was'} accepted.",
        )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    form = PreferencesForm(
        initial={
            "default_visibility": user.default_visibility,
            "language": user.language,
            "theme": user.theme,
            "require_alt_text": user.require_alt_text,
        }
    )
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                preferences_update(user=user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your preferences are saved.")
                return redirect("settings_preferences")
    return render(request, "web/settings/preferences.html", {"form": form})
