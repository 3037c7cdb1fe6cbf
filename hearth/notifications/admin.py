"""Notifications in the admin, read-only: they are made by services.py alone."""

from django.contrib import admin
from django.http import HttpRequest

from hearth.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    list_display = ("id", "type", "recipient", "actor", "post_id", "created_at")
    list_filter = ("type",)
    raw_id_fields = ("recipient", "actor", "post")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
