"""Admin pages for sign-up control: the mode, invites, applications and blocked email domains.
(Admins also have Settings → Sign-ups on the site for the mode and the approval queue.)"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from hearth.accounts import signups
from hearth.accounts.models import (
    ApplicationState,
    BlockedEmailDomain,
    Invite,
    SignupApplication,
    SignupSettings,
    User,
)


@admin.register(SignupSettings)
class SignupSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    list_display = ["mode", "invites_by", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SignupSettings.objects.exists()

    def has_delete_permission(
        self, request: HttpRequest, obj: SignupSettings | None = None
    ) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: SignupSettings, form: object, change: bool
    ) -> None:
        obj.pk = 1  # one row
        super().save_model(request, obj, form, change)


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    list_display = [
        "code",
        "created_by",
        "created_at",
        "expires_at",
        "uses",
        "max_uses",
        "revoked_at",
    ]
    list_select_related = ["created_by"]
    search_fields = ["code", "created_by__username"]
    readonly_fields = ["code", "uses"]
    raw_id_fields = ["created_by"]


def _decide(request: HttpRequest, queryset: QuerySet[SignupApplication], approve: bool) -> None:
    admin_user = request.user
    assert isinstance(admin_user, User)  # noqa: S101  # the admin site requires a login
    decided = 0
    for application in queryset.filter(state=ApplicationState.PENDING):
        if approve:
            signups.application_approve(application=application, by=admin_user)
        else:
            signups.application_reject(application=application, by=admin_user)
        decided += 1
    messages.success(request, f"{decided} application(s) {'approved' if approve else 'rejected'}.")


@admin.action(description="Approve the selected applications (emails them)")
def approve(
    modeladmin: "SignupApplicationAdmin",
    request: HttpRequest,
    queryset: QuerySet[SignupApplication],
) -> None:
    _decide(request, queryset, approve=True)


@admin.action(description="Reject the selected applications (emails them, deletes the users)")
def reject(
    modeladmin: "SignupApplicationAdmin",
    request: HttpRequest,
    queryset: QuerySet[SignupApplication],
) -> None:
    _decide(request, queryset, approve=False)


@admin.register(SignupApplication)
class SignupApplicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    list_display = ["username", "email", "state", "created_at", "decided_by", "decided_at"]
    list_filter = ["state"]
    search_fields = ["username", "email"]
    readonly_fields = [
        "user",
        "username",
        "email",
        "reason",
        "state",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    actions = [approve, reject]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(BlockedEmailDomain)
class BlockedEmailDomainAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    list_display = ["domain", "note", "created_at"]
    search_fields = ["domain", "note"]
