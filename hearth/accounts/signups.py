"""Who may join, and how: the sign-up mode, invites, approval of applications and blocked email
domains. The web sign-up (`accounts.adapters`) and `POST /api/v1/accounts` both ask
`signup_gate()` and call the same services, so the rules live once.

| mode | who can join |
| --- | --- |
| open | anyone |
| approval | anyone may apply with a reason; they can log in once an admin approves |
| invite | people holding a usable invite |
| closed | nobody |

An invite also lets its holder skip approval. Rejected applicants are deleted (their name and
address become free again); the application row remains for the admins' record.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import (
    ApplicationState,
    BlockedEmailDomain,
    Invite,
    InvitesBy,
    SignupApplication,
    SignupMode,
    SignupSettings,
    User,
)
from hearth.core.cache import REDIS_DOWN

#: How long a reason for joining may be.
REASON_MAX_LENGTH = 1000

BLOCKED_DOMAIN_MESSAGE = "Sign-ups with addresses at this email domain are not accepted here."
SIGNUPS_CLOSED = "Sign-ups are closed on this server."
INVITE_MISSING = "This server is invite-only: you need an invite link from a member to join."
INVITE_UNKNOWN = "This invite link is not valid. Check that you copied all of it."
INVITE_EXPIRED = "This invite has expired. Ask whoever sent it for a new one."
INVITE_USED_UP = "This invite has been used as many times as it allows. Ask for a new one."
INVITE_REVOKED = "This invite was withdrawn. Ask whoever sent it for a new one."


# --- Settings ------------------------------------------------------------------------------


def signup_settings() -> SignupSettings:
    """The server's sign-up settings: the saved row, or the defaults (HEARTH_SIGNUP_MODE)."""
    found = SignupSettings.objects.filter(pk=1).first()
    if found is not None:
        return found
    mode = settings.HEARTH_SIGNUP_MODE
    return SignupSettings(pk=1, mode=mode if mode in SignupMode.values else SignupMode.OPEN)


def signup_settings_update(
    *, mode: str, invites_by: str = InvitesBy.MEMBERS, closed_message: str = ""
) -> SignupSettings:
    row = SignupSettings(pk=1, mode=mode, invites_by=invites_by, closed_message=closed_message)
    # One row, pk 1, saved over: not a duplicate, so skip the uniqueness check on id.
    row.full_clean(validate_unique=False)
    row.save()
    return row


# --- The gate ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """What sign-up looks like for someone holding `invite` (or none) right now."""

    mode: str
    #: May this person sign up at all?
    open: bool
    #: Will they have to wait for an admin?
    needs_approval: bool
    #: The usable invite they hold, if any.
    invite: Invite | None
    #: Why they cannot join (invite problems, closed), for the page or the 403/422.
    problem: str
    #: The admins' message for closed and invite-only sign-ups (where to ask, and so on).
    message: str = ""


def invite_problem(invite: Invite | None) -> str:
    """Why this invite cannot be used, or "" when it can."""
    if invite is None:
        return INVITE_UNKNOWN
    if invite.revoked_at is not None:
        return INVITE_REVOKED
    if invite.is_expired:
        return INVITE_EXPIRED
    if invite.is_used_up:
        return INVITE_USED_UP
    return ""


def invite_find(code: str | None) -> Invite | None:
    code = (code or "").strip()
    if not code or len(code) > 32:
        return None
    return Invite.objects.select_related("created_by").filter(code=code).first()


def signup_gate(*, invite_code: str | None = None) -> Gate:
    policy = signup_settings()
    mode = policy.mode
    invite = invite_find(invite_code) if invite_code else None
    problem = invite_problem(invite) if invite_code else ""
    usable = invite if invite is not None and not problem else None
    message = policy.closed_message
    if mode == SignupMode.CLOSED:
        return Gate(mode, False, False, None, SIGNUPS_CLOSED, message)
    if mode == SignupMode.INVITE and usable is None:
        return Gate(mode, False, False, None, problem or INVITE_MISSING, message)
    return Gate(mode, True, mode == SignupMode.APPROVAL and usable is None, usable, "", message)


def invite_use(*, invite: Invite) -> None:
    """Count one use, atomically: two people racing for an invite's last use cannot both get
    it. Raises ValidationError({"invite_code": ...}) when it is no longer usable."""
    now = timezone.now()
    updated = (
        Invite.objects.filter(pk=invite.pk, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .update(uses=F("uses") + 1)
    )
    if not updated:
        invite.refresh_from_db()
        raise ValidationError({"invite_code": [invite_problem(invite) or INVITE_USED_UP]})


# --- Email domains -------------------------------------------------------------------------


def email_domain_blocked(email: str) -> bool:
    """Is the address at a blocked domain or a subdomain of one? One indexed query."""
    domain = email.rpartition("@")[2].strip().strip(".").lower()
    if not domain:
        return False
    labels = domain.split(".")
    candidates = [".".join(labels[index:]) for index in range(len(labels))]
    return BlockedEmailDomain.objects.filter(domain__in=candidates).exists()


def email_domain_block(*, domain: str, note: str = "") -> BlockedEmailDomain:
    blocked, _created = BlockedEmailDomain.objects.get_or_create(
        domain=domain.strip().strip(".").lower(), defaults={"note": note}
    )
    return blocked


# --- Invites -------------------------------------------------------------------------------


def invite_can_create(user: User) -> bool:
    policy = signup_settings()
    if policy.mode == SignupMode.CLOSED or not user.is_active:
        return False
    return user.is_staff or policy.invites_by == InvitesBy.MEMBERS


def invite_create(
    *, created_by: User, expires_in: timedelta | None, max_uses: int | None
) -> Invite:
    if not invite_can_create(created_by):
        raise ValidationError("You can’t create invites on this server.")
    if max_uses is not None and max_uses < 1:
        raise ValidationError({"max_uses": ["An invite must allow at least one use."]})
    expires_at = timezone.now() + expires_in if expires_in is not None else None
    return Invite.objects.create(created_by=created_by, expires_at=expires_at, max_uses=max_uses)


def invite_revoke(*, invite: Invite) -> Invite:
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
    return invite


def invites_of(user: User) -> QuerySet[Invite]:
    return Invite.objects.filter(created_by=user).order_by("-created_at")


# --- Applications --------------------------------------------------------------------------


@transaction.atomic
def application_create(*, user: User, reason: str) -> SignupApplication:
    """Hold a new member for approval: they cannot log in (nor be seen) until approved."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Tell the admins why you want to join."]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [f"Keep it to {REASON_MAX_LENGTH} characters (this has {len(reason)})."]}
        )
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    application = SignupApplication.objects.create(
        user=user, username=user.username, email=user.email, reason=reason
    )
    transaction.on_commit(lambda: _tell_admins(application))
    return application


#: At most one "applications are waiting" email to the admins per this many seconds, so a wave
#: of applications (or of spam sign-ups) is one email, not hundreds; the queue lists them all.
ADMIN_MAIL_INTERVAL = 15 * 60


def _tell_admins(application: SignupApplication) -> None:
    """Email the admins (staff with an address) that an application waits, unless such an
    email went out in the last ADMIN_MAIL_INTERVAL."""
    try:
        if not cache.add("signups:admins-told", 1, ADMIN_MAIL_INTERVAL):
            return
    except REDIS_DOWN:  # can't tell whether they were told: the queue lists it either way
        return
    admins = list(
        User.objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not admins:
        return
    waiting = applications_pending().count()
    reason = application.reason
    excerpt = reason if len(reason) <= 300 else reason[:300].rstrip() + "…"
    send_mail(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}@{application.username} applied to join",
        f"@{application.username} applied to join {settings.HEARTH_INSTANCE_NAME}:\n\n"
        f"“{excerpt}”\n\nApplications waiting, this one included: {waiting}. Approve or "
        "reject them in the queue:\n"
        f"{_absolute(reverse('settings_signups'))}\n\n"
        f"(At most one such email per {ADMIN_MAIL_INTERVAL // 60} minutes.)\n",
        None,
        admins,
        fail_silently=True,
    )


def applications_pending() -> QuerySet[SignupApplication]:
    return SignupApplication.objects.filter(state=ApplicationState.PENDING).order_by("created_at")


def _decide(application: SignupApplication, *, by: User, state: str) -> SignupApplication:
    if application.state != ApplicationState.PENDING:
        raise ValidationError("This application was already decided.")
    application.state = state
    application.decided_at = timezone.now()
    application.decided_by = by
    application.save(update_fields=["state", "decided_at", "decided_by"])
    return application


def _absolute(path: str) -> str:
    return f"{'https' if settings.HEARTH_HTTPS else 'http'}://{settings.HEARTH_DOMAIN}{path}"


def _mail_on_commit(address: str, subject: str, body: str) -> None:
    if not address:
        return
    prefix = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
    transaction.on_commit(
        lambda: send_mail(f"{prefix}{subject}", body, None, [address], fail_silently=True)
    )


@transaction.atomic
def application_approve(*, application: SignupApplication, by: User) -> SignupApplication:
    """Let the applicant in, and tell them by email."""
    application = _decide(application, by=by, state=ApplicationState.APPROVED)
    if application.user_id is not None:
        User.objects.filter(pk=application.user_id).update(is_active=True)
    name = settings.HEARTH_INSTANCE_NAME
    _mail_on_commit(
        application.email,
        "Your application was approved",
        f"Hello @{application.username},\n\nWelcome to {name}! Your application was approved "
        f"and you can log in now:\n\n{_absolute(reverse('account_login'))}\n",
    )
    return application


@transaction.atomic
def application_reject(*, application: SignupApplication, by: User) -> SignupApplication:
    """Turn the applicant away: tell them by email and delete the user, freeing the name."""
    application = _decide(application, by=by, state=ApplicationState.REJECTED)
    if application.user_id is not None:
        User.objects.filter(pk=application.user_id).delete()
    name = settings.HEARTH_INSTANCE_NAME
    _mail_on_commit(
        application.email,
        "Your application was not accepted",
        f"Hello,\n\nThank you for your interest in {name}. The admins reviewed your application "
        f"for @{application.username} and decided not to accept it. Your details have been "
        "removed.\n",
    )
    return application
