"""Editing the policy pages. Saving never overwrites: it adds a version (policy_update), and the
history below the editor is read-only."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from hearth.accounts.models import User
from hearth.moderation.defaults import PLACEHOLDERS
from hearth.moderation.models import (
    ActionKind,
    BlockedPhrase,
    ModerationAction,
    PolicyPage,
    PolicySlug,
    PolicyVersion,
    Report,
    ServerRule,
)
from hearth.moderation.selectors import policy_body_get
from hearth.moderation.services import (
    MAX_POLICY_LENGTH,
    blocked_phrase_audit,
    policy_update,
    server_rule_audit,
)


def _placeholder_help() -> str:
    items = format_html_join(
        "",
        "<li><code>{{{}}}</code>: {}</li>",
        PLACEHOLDERS.items(),
    )
    return format_html(
        "Markdown. The page title is shown above the text, so start sections with "
        "<code>## Heading</code>. These placeholders are filled in when the page is shown:"
        "<ul>{}</ul>Saving adds a new version; earlier versions stay listed below.",
        items,
    )


class PolicyPageForm(forms.ModelForm):  # type: ignore[type-arg]  # stubs' generics
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 30, "style": "width: 100%; font-family: monospace"}),
        max_length=MAX_POLICY_LENGTH,
    )
    note = forms.CharField(
        label="What changed",
        required=False,
        max_length=200,
        help_text="Optional, for the version history, e.g. “Backups now kept 14 days”.",
    )

    class Meta:
        model = PolicyPage
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _placeholder_help()
        if self.instance.pk:
            self.fields["body"].initial = policy_body_get(slug=PolicySlug(self.instance.pk))


class PolicyVersionInline(admin.TabularInline):  # type: ignore[type-arg]  # stubs' generics
    model = PolicyVersion
    verbose_name = "saved version"
    verbose_name_plural = "version history"
    fields = readonly_fields = ("saved", "editor", "note", "length")
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ["-id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PolicyVersion]:
        return super().get_queryset(request).select_related("editor")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="saved")
    def saved(self, version: PolicyVersion) -> str:
        url = reverse("admin:moderation_policyversion_change", args=[version.pk])
        return format_html('<a href="{}">{} UTC</a>', url, f"{version.created_at:%Y-%m-%d %H:%M}")

    @admin.display(description="length")
    def length(self, version: PolicyVersion) -> str:
        return f"{len(version.body.split()):,} words"


@admin.register(PolicyPage)
class PolicyPageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    form = PolicyPageForm
    inlines = [PolicyVersionInline]
    list_display = ["title", "last_updated", "version_count", "view_on_site_link"]
    fieldsets = [(None, {"fields": ["body", "note"]})]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PolicyPage]:
        queryset: QuerySet[PolicyPage] = super().get_queryset(request)
        return queryset.annotate(
            last_saved=Max("versions__created_at"), saved_versions=Count("versions")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the four pages are fixed; a migration creates them

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="last updated", ordering="last_saved")
    def last_updated(self, page: Any) -> str:
        if page.last_saved is None:
            return "Shipped text, never edited"
        return f"{page.last_saved:%Y-%m-%d %H:%M} UTC"

    @admin.display(description="versions", ordering="saved_versions")
    def version_count(self, page: Any) -> int:
        return int(page.saved_versions)

    @admin.display(description="page")
    def view_on_site_link(self, page: PolicyPage) -> str:
        url = page.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request: HttpRequest, obj: PolicyPage, form: Any, change: bool) -> None:
        # The page row itself has nothing to change; the text goes into a new version.
        policy_update(
            slug=obj.slug,
            body=form.cleaned_data["body"],
            note=form.cleaned_data["note"],
            editor=request.user if request.user.is_authenticated else None,
        )


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    """Read-only: an old version can be read (and copied back into the editor), never changed."""

    list_display = ["page", "created_at", "editor", "note"]
    list_filter = ["page"]
    list_select_related = ["editor"]
    fields = readonly_fields = ("page", "created_at", "editor", "note", "body")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Reports and the audit log (read-only here; the work happens at /moderation/) ----------


class _ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(_ReadOnlyAdmin):
    """The audit log: entries are only ever added, by the moderation services."""

    list_display = ["created_at", "moderator_username", "kind", "account_username", "report"]
    list_filter = ["kind", "category"]
    search_fields = ["account_username", "moderator_username", "reason"]
    readonly_fields = [field.name for field in ModerationAction._meta.fields]


@admin.register(Report)
class ReportAdmin(_ReadOnlyAdmin):
    list_display = ["id", "target_username", "category", "status", "created_at"]
    list_filter = ["status", "category"]
    readonly_fields = [field.name for field in Report._meta.fields]


@admin.register(ServerRule)
class ServerRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    """The rules shown at sign-up, on /about and offered in reports; the community guidelines
    (a policy page) explain them at length, so keep both in step. Admins also edit them at
    /moderation/rules."""

    list_display = ("position", "text", "hint")
    list_display_links = ("text",)
    list_editable = ("position",)
    ordering = ("position", "id")

    # Every change goes to the audit log, as from the admins' page (/moderation/rules): a new
    # text or explanation as a change, a new position (here or in the list) as a move.
    def save_model(self, request: HttpRequest, obj: ServerRule, form: Any, change: bool) -> None:
        before = ServerRule.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        actor = _staff(request)
        if before is None:
            server_rule_audit(kind=ActionKind.RULE_ADD, actor=actor, rule=obj)
            return
        if (before.text, before.hint) != (obj.text, obj.hint):
            server_rule_audit(kind=ActionKind.RULE_CHANGE, actor=actor, rule=obj, before=before)
        if before.position != obj.position:
            server_rule_audit(kind=ActionKind.RULE_MOVE, actor=actor, rule=obj)

    def delete_model(self, request: HttpRequest, obj: ServerRule) -> None:
        server_rule_audit(kind=ActionKind.RULE_REMOVE, actor=_staff(request), rule=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ServerRule]) -> None:
        for rule in queryset:
            server_rule_audit(kind=ActionKind.RULE_REMOVE, actor=_staff(request), rule=rule)
        super().delete_queryset(request, queryset)


@admin.register(BlockedPhrase)
class BlockedPhraseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    """Words and phrases posts may not use: refused, or held for the moderators' review."""

    list_display = ("phrase", "whole_word", "action", "created_at")
    list_filter = ("action", "whole_word")
    search_fields = ("phrase",)

    # Every change goes to the audit log, as from the moderators' page (/moderation/phrases):
    # a change in place with the settings before and after; saving it unchanged logs nothing.
    def save_model(self, request: HttpRequest, obj: BlockedPhrase, form: Any, change: bool) -> None:
        before = BlockedPhrase.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        actor = _staff(request)
        if before is None:
            blocked_phrase_audit(kind=ActionKind.PHRASE_BLOCK, actor=actor, phrase=obj)
        elif (before.phrase, before.whole_word, before.action) != (
            obj.phrase,
            obj.whole_word,
            obj.action,
        ):
            blocked_phrase_audit(
                kind=ActionKind.PHRASE_CHANGE, actor=actor, phrase=obj, before=before
            )

    def delete_model(self, request: HttpRequest, obj: BlockedPhrase) -> None:
        blocked_phrase_audit(kind=ActionKind.PHRASE_UNBLOCK, actor=_staff(request), phrase=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[BlockedPhrase]) -> None:
        for phrase in queryset:
            blocked_phrase_audit(
                kind=ActionKind.PHRASE_UNBLOCK, actor=_staff(request), phrase=phrase
            )
        super().delete_queryset(request, queryset)


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # the admin site let them in
    return request.user
