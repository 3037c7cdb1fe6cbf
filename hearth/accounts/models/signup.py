"""Who may join: the sign-up mode, invites, applications waiting for approval, and email
domains refused at sign-up. The rules that use them live in `hearth.accounts.signups`."""

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class SignupMode(models.TextChoices):
    OPEN = "open", "Open: anyone can join"
    APPROVAL = "approval", "Approval required: people apply, an admin approves"
    INVITE = "invite", "Invite only: people join with an invite link"
    CLOSED = "closed", "Closed: nobody can join"


class InvitesBy(models.TextChoices):
    MEMBERS = "members", "Any member"
    ADMINS = "admins", "Admins only"


class SignupSettings(models.Model):
    """The one row (pk 1) of the server's sign-up settings, edited by admins."""

    mode = models.CharField("sign-up mode", max_length=10, choices=SignupMode)
    invites_by = models.CharField(
        "who can create invites", max_length=10, choices=InvitesBy, default=InvitesBy.MEMBERS
    )
    closed_message = models.TextField(
        "message when sign-ups are closed",
        blank=True,
        default="",
        help_text="Shown while sign-ups are closed or invite-only.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sign-up settings"
        verbose_name_plural = "sign-up settings"

    def __str__(self) -> str:
        return f"Sign-ups: {self.get_mode_display()}"


def _invite_code() -> str:
    return secrets.token_urlsafe(9)  # 12 characters, 72 bits


class Invite(models.Model):
    """An invite link, `/invite/<code>`: usable until it expires, is used up or revoked."""

    code = models.CharField(max_length=32, unique=True, default=_invite_code, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invites"
    )
    created_at = models.DateTimeField(default=timezone.now)
    #: None: never expires.
    expires_at = models.DateTimeField(null=True, blank=True)
    #: None: any number of people may use it.
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_used_up(self) -> bool:
        return self.max_uses is not None and self.uses >= self.max_uses

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired and not self.is_used_up


class ApplicationState(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class SignupApplication(models.Model):
    """Someone's request to join while approval is required. The user exists but cannot log in
    (`is_active=False`) until approved; on rejection the user is deleted and this row keeps
    the name and address for the admins' record."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signup_application",
    )
    username = models.CharField(max_length=150)
    email = models.EmailField()
    reason = models.TextField("why they want to join")
    state = models.CharField(
        max_length=10, choices=ApplicationState, default=ApplicationState.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["state", "created_at"], name="signupapp_state_created")]

    def __str__(self) -> str:
        return f"@{self.username} ({self.get_state_display()})"


class BlockedEmailDomain(models.Model):
    """Sign-ups with an address at this domain, or any subdomain of it, are refused."""

    domain = models.CharField(
        max_length=253, help_text="e.g. spam.example: also refuses mail.spam.example."
    )
    note = models.CharField(
        max_length=200, blank=True, default="", help_text="Why, for the other admins."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="blocked_email_domain_ci_unique")
        ]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Stored as compared: lower case, no surrounding dots or spaces.
        self.domain = self.domain.strip().strip(".").lower()
        super().save(*args, **kwargs)
