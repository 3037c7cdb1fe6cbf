"""Settings → Your data: download an archive of the account, or delete the account."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from hearth.accounts.deletion import account_deletion_cancel, account_deletion_request
from hearth.accounts.export import (
    EXPORT_RETENTION,
    export_latest_for,
    export_list_for,
    export_next_allowed_at,
    export_request,
)
from hearth.accounts.models import DataExport, User


class AccountDeletionForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it’s really you.",
    )


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required ran
    return request.user


def _render(
    request: HttpRequest, delete_form: AccountDeletionForm, status: int = 200
) -> HttpResponse:
    export = export_latest_for(user=_member(request))
    context = {
        "export": export,
        "expires_at": export.created_at + EXPORT_RETENTION if export else None,
        "next_export_at": export_next_allowed_at(export),
        "retention_days": EXPORT_RETENTION.days,
        "grace_days": settings.HEARTH_DELETION_GRACE_DAYS,
        "delete_form": delete_form,
    }
    return render(request, "web/settings/data.html", context, status=status)


@login_required
@require_GET
def data(request: HttpRequest) -> HttpResponse:
    return _render(request, AccountDeletionForm())


@login_required
@require_POST
def export_create(request: HttpRequest) -> HttpResponse:
    try:
        export = export_request(user=_member(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("settings_data")
    export.refresh_from_db()  # without a broker it has been built already
    if export.state == DataExport.State.DONE:
        messages.success(request, "Your archive is ready to download.")
    elif export.in_progress:
        messages.success(request, "We’re preparing your archive; this page shows its progress.")
    return redirect("settings_data")


@login_required
@require_GET
def export_download(request: HttpRequest, export_id: int) -> FileResponse:
    user = _member(request)
    export = get_object_or_404(
        export_list_for(user=user), pk=export_id, state=DataExport.State.DONE
    )
    try:
        archive = export.file.open("rb")
    except FileNotFoundError:
        raise Http404("archive file missing") from None
    day = export.created_at.date().isoformat()
    name = f"{slugify(settings.HEARTH_INSTANCE_NAME) or 'hearth'}-{user.username}-{day}.zip"
    response = FileResponse(archive, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def delete_request(request: HttpRequest) -> HttpResponse:
    form = AccountDeletionForm(request.POST)
    if form.is_valid():
        try:
            when = account_deletion_request(
                user=_member(request), password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(
                request,
                f"Your account will be deleted on {date_format(when, 'j F Y')}. "
                "Changed your mind? Log in before then and cancel the deletion.",
            )
            return redirect("home")
    return _render(request, form, status=400)


@login_required
@require_POST
def delete_cancel(request: HttpRequest) -> HttpResponse:
    account_deletion_cancel(user=_member(request))
    messages.success(request, "Your account will not be deleted. Welcome back!")
    return redirect("settings_data")
