"""The notification preferences form: a checkbox per kind, and "only from people you follow"."""

from typing import Any

from django import forms

from hearth.notifications.models import NotificationPreference, NotificationType

#: The kinds a member can turn off: all but messages from the moderators.
PREFERENCE_TYPES = [kind for kind in NotificationType if kind != NotificationType.MODERATION]

_HELP = {
    NotificationType.FOLLOW_REQUEST: "They still wait on your Requests page either way.",
    NotificationType.REPLY: "Replies that mention you count as mentions.",
}


class NotificationPreferencesForm(forms.Form):
    only_from_following = forms.BooleanField(
        label="Only from people you follow",
        required=False,
        help_text="Others can still follow, mention and reply to you; you just aren’t notified.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in PREFERENCE_TYPES:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label, required=False, help_text=_HELP.get(kind, "")
            )
        # The kinds first, the filter last.
        self.order_fields([*(kind.value for kind in PREFERENCE_TYPES), "only_from_following"])

    @classmethod
    def initial_for(cls, preference: NotificationPreference) -> dict[str, bool]:
        initial = {kind.value: preference.wants(kind) for kind in PREFERENCE_TYPES}
        initial["only_from_following"] = preference.only_from_following
        return initial

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[kind.value] for kind in PREFERENCE_TYPES]

    def enabled_kinds(self) -> list[str]:
        return [kind.value for kind in PREFERENCE_TYPES if self.cleaned_data.get(kind.value)]
