"""The member's notifications page, "mark all as read", and their notification settings.

Opening the "All" tab marks everything read: the member has just seen the newest ones. The
"Mentions" tab leaves the rest unread, which is when "Mark all as read" is useful.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hearth.core.ids import new_id
from hearth.notifications.forms import NotificationPreferencesForm
from hearth.notifications.selectors import notifications_for
from hearth.notifications.services import (
    notification_preference_get,
    notification_preferences_update,
    notifications_mark_read,
)
from hearth.web.context_processors import UnreadBadge
from hearth.web.pagination import parse_cursor
from hearth.web.views.relationships import member_account

TABS = {"all": "All", "mentions": "Mentions"}


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    account = member_account(request)
    tab = request.GET.get("tab", "all")
    tab = tab if tab in TABS else "all"
    before = parse_cursor(request.GET.get("before"))
    # Taken before reading, so a notification arriving while the page is drawn stays unread.
    seen_up_to = new_id()
    page = notifications_for(viewer=account, before=before, mentions_only=tab == "mentions")
    context = {"page": page, "tab": tab, "tabs": TABS}
    if tab == "all" and before is None:
        # The newest notifications are on this page, so if none of them is unread, none is.
        if any(group.unread for group in page.groups):
            notifications_mark_read(account=account, up_to=seen_up_to)
        context["notifications_badge"] = UnreadBadge(0)  # no need to count again
    return render(request, "web/notifications/notifications.html", context)


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(account=member_account(request))
    messages.success(request, "All your notifications are marked as read.")
    url = reverse("notifications")
    tab = request.POST.get("tab")
    return redirect(f"{url}?tab={tab}" if tab in TABS and tab != "all" else url)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    account = member_account(request)
    preference = notification_preference_get(account=account)
    form = NotificationPreferencesForm(initial=NotificationPreferencesForm.initial_for(preference))
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            notification_preferences_update(
                account=account,
                enabled=form.enabled_kinds(),
                only_from_following=form.cleaned_data["only_from_following"],
            )
            messages.success(request, "Your notification settings are saved.")
            return redirect("settings_notifications")
    return render(request, "web/settings/notifications.html", {"form": form})
