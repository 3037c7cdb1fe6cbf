from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.accounts import signups
from hearth.accounts.models import ApplicationState, SignupApplication, User
from hearth.accounts.services import account_create_for_user
from hearth.core import ratelimit

#: Where the invite a visitor arrived with (`/invite/<code>`) is kept until they sign up.
INVITE_SESSION_KEY = "hearth_invite_code"


def session_invite_code(request: HttpRequest | None) -> str | None:
    session = getattr(request, "session", None)
    return session.get(INVITE_SESSION_KEY) if session is not None else None


def signup_gate_for(request: HttpRequest) -> signups.Gate:
    """The sign-up gate for this visitor, computed once per request."""
    gate: signups.Gate | None = getattr(request, "hearth_signup_gate", None)
    if gate is None:
        gate = signups.signup_gate(invite_code=session_invite_code(request))
        request.hearth_signup_gate = gate  # type: ignore[attr-defined]  # a per-request memo
    return gate


def _login_name(credentials: dict[str, Any]) -> str:
    return str(credentials.get("username") or credentials.get("email") or "")


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    # --- Sign-up: the mode, invites, approval, blocked domains, the per-address limit ---

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return signup_gate_for(request).open

    def clean_email(self, email: str) -> str:
        email = str(super().clean_email(email))
        if signups.email_domain_blocked(email):
            raise ValidationError(signups.BLOCKED_DOMAIN_MESSAGE)
        return email

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        ratelimit.limit(request, "signup")
        gate = signup_gate_for(request)
        if not gate.open:  # the invite ran out or the mode changed since the page was drawn
            raise ImmediateHttpResponse(render(request, "account/signup_closed.html", status=403))
        with transaction.atomic():
            if gate.invite is not None:
                try:
                    signups.invite_use(invite=gate.invite)
                except ValidationError:
                    request.session.pop(INVITE_SESSION_KEY, None)
                    raise ImmediateHttpResponse(
                        render(
                            request, "invites/unusable.html", {"invite": gate.invite}, status=410
                        )
                    ) from None
            saved: User = super().save_user(request, user, form, commit=commit)
            if commit:
                account_create_for_user(user=saved)
                if gate.needs_approval:
                    signups.application_create(
                        user=saved, reason=str(form.cleaned_data.get("reason", ""))
                    )
        if gate.invite is not None:
            request.session.pop(INVITE_SESSION_KEY, None)
        return saved

    def respond_user_inactive(self, request: HttpRequest, user: User) -> HttpResponse:
        pending = SignupApplication.objects.filter(
            user=user, state=ApplicationState.PENDING
        ).exists()
        if pending:
            return render(request, "accounts/application_pending.html", {"applicant": user})
        response: HttpResponse = super().respond_user_inactive(request, user)
        return response

    # --- Logins: lock-out with back-off (hearth.core.ratelimit), never naming who exists ---

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        ratelimit.login_check(ip=ratelimit.client_ip(request), login=_login_name(credentials))
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> User | None:
        user: User | None = super().authenticate(request, **credentials)
        if user is not None:
            ratelimit.login_success(ip=ratelimit.client_ip(request), login=_login_name(credentials))
            return user
        self._stop_if_pending(request, credentials)
        return None

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        ratelimit.login_failure(ip=ratelimit.client_ip(request), login=_login_name(credentials))
        super().authentication_failed(request, **credentials)

    def _stop_if_pending(self, request: HttpRequest, credentials: dict[str, Any]) -> None:
        """Django refuses inactive users as if the password were wrong; an applicant who gives
        the right password is told their application is still waiting instead."""
        name = _login_name(credentials).strip()
        if not name:
            return
        lookup = {"user__email__iexact": name} if "@" in name else {"username__iexact": name}
        application = (
            SignupApplication.objects.select_related("user")
            .filter(state=ApplicationState.PENDING, user__isnull=False, **lookup)
            .first()
        )
        if application is None or application.user is None:
            return
        if application.user.check_password(str(credentials.get("password", ""))):
            raise ImmediateHttpResponse(self.respond_user_inactive(request, application.user))
