"""The moderators' pages under /moderation/, and the public /about/moderation.

Every /moderation/ page needs the moderator role (hearth.moderation.roles): a visitor is sent to
log in, a member without the role gets 403. The legal pages, the audit log and the server rules
(the community's policy, like the policy pages) need an admin.
Views parse, call one service or selector, and render; the services check the role again.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hearth.accounts.models import Account, DataExport, User
from hearth.moderation import queue
from hearth.moderation.actions import (
    ACTION_CHOICES,
    action_take,
    appeal_decide,
    legal_export,
    legal_hold_set,
)
from hearth.moderation.models import (
    Appeal,
    BlockedPhrase,
    PhraseAction,
    ReportCategory,
    ReportStatus,
    ServerRule,
)
from hearth.moderation.reports import report_assign, report_note_add
from hearth.moderation.roles import is_admin, is_moderator
from hearth.moderation.rules import server_rule_list
from hearth.moderation.services import (
    MAX_PHRASE_LENGTH,
    MAX_RULE_HINT_LENGTH,
    MAX_RULE_LENGTH,
    blocked_phrase_add,
    blocked_phrase_remove,
    blocked_phrase_update,
    server_rule_add,
    server_rule_move,
    server_rule_remove,
    server_rule_update,
)
from hearth.posts.models import Post
from hearth.web.pagination import page_before, parse_cursor
from hearth.web.views.errors import bad_request

View = Callable[..., HttpResponseBase]


def _role_required(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


moderator_required = _role_required(is_moderator)
admin_required = _role_required(is_admin)


def _moderator(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the decorators let only members in
    return request.user


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label="Action", choices=ACTION_CHOICES)
    post = forms.TypedChoiceField(label="Post", coerce=int, required=False, empty_value=None)
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the member, with a link to the community guidelines.",
    )

    def __init__(self, *args: Any, posts: list[Post], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [  # type: ignore[attr-defined]  # a ChoiceField("", "(none: act on the account)")] + [
            (post.pk, f"{post.pk}: {post.text[:80]}") for post in posts
        ]


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note for other moderators", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- The queue and a report -----------------------------------------------------------------


@moderator_required
def queue_page(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ReportStatus.OPEN)
    category = request.GET.get("category", "")
    reports = queue.report_queue(status=status, category=category)
    page = page_before(reports, cursor="id", before=parse_cursor(request.GET.get("before")))
    context = {
        "page": page,
        "status": status,
        "category": category,
        "statuses": ReportStatus.choices,
        "categories": ReportCategory.choices,
        "appeals": list(queue.appeals_open()[:50]),
        "held": list(queue.held_posts()[:50]),
    }
    return render(request, "moderation/queue.html", context)


def _report_or_404(report_id: int) -> Any:
    report = queue.report_get(report_id)
    if report is None:
        raise Http404
    return report


def _report_page(
    request: HttpRequest,
    report_id: int,
    *,
    action_form: ActionForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    report = _report_or_404(report_id)
    live = queue.report_live_posts(report)
    posts = list(live.values())
    history = (
        queue.account_history(account_id=report.target_id, excluding_report=report.pk)
        if report.target_id
        else None
    )
    context = {
        "report": report,
        "snapshot_posts": [
            {**item, "live": live.get(item["id"])} for item in report.snapshot.get("posts", [])
        ],
        "history": history,
        "notes": list(report.notes.select_related("author")),
        "actions": list(report.actions.order_by("id")),
        "action_form": action_form or ActionForm(posts=posts),
        "note_form": note_form or NoteForm(),
    }
    return render(request, "moderation/report.html", context, status=status)


@moderator_required
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    return _report_page(request, report_id)


@moderator_required
@require_POST
def report_assign_view(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_or_404(report_id)
    me = _moderator(request)
    taking = request.POST.get("unassign") != "1"
    report_assign(report=report, moderator=me if taking else None)
    messages.success(request, "Assigned to you." if taking else "Unassigned.")
    return redirect("moderation_report", report_id=report.pk)


@moderator_required
@require_POST
def report_note(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_or_404(report_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            report_note_add(
                report=report, author=_moderator(request), text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect("moderation_report", report_id=report.pk)
    return _report_page(request, report_id, note_form=form, status=400)


@moderator_required
@require_POST
def report_action(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_or_404(report_id)
    posts = list(queue.report_live_posts(report).values())
    form = ActionForm(request.POST, posts=posts)
    if report.target is None:
        form.add_error(None, "The reported account no longer exists.")
    elif form.is_valid():
        post = next((p for p in posts if p.pk == form.cleaned_data["post"]), None)
        try:
            action_take(
                moderator=_moderator(request),
                kind=form.cleaned_data["kind"],
                account=report.target,
                post=post,
                reason=form.cleaned_data["reason"],
                report=report,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Done. The report is resolved.")
            return redirect("moderation_report", report_id=report.pk)
    return _report_page(request, report_id, action_form=form, status=400)


# --- An account -----------------------------------------------------------------------------


class LegalForm(forms.Form):
    what = forms.ChoiceField(
        label="Legal request",
        choices=[
            ("hold", "Place a legal hold (preserve the data)"),
            ("release", "Release the legal hold"),
            ("export", "Export the data for a lawful request"),
        ],
    )
    reason = forms.CharField(label="Request reference and reason", max_length=2000)


def _account_or_404(username: str) -> Account:
    account = queue.account_for_moderation(username)
    if account is None:
        raise Http404
    return account


def _account_page(
    request: HttpRequest,
    account: Account,
    *,
    action_form: ActionForm | None = None,
    legal_form: LegalForm | None = None,
    status: int = 200,
) -> HttpResponse:
    posts = queue.account_posts_for_moderation(account)
    context = {
        "account": account,
        "posts": posts,
        "history": queue.account_history(account_id=account.pk),
        "action_form": action_form or ActionForm(posts=posts),
        "legal_form": legal_form or LegalForm(),
        "exports": queue.legal_exports(account) if is_admin(request.user) else [],
        "is_admin": is_admin(request.user),
    }
    return render(request, "moderation/account.html", context, status=status)


@moderator_required
def account_page(request: HttpRequest, username: str) -> HttpResponse:
    return _account_page(request, _account_or_404(username))


@moderator_required
@require_POST
def account_action(request: HttpRequest, username: str) -> HttpResponse:
    account = _account_or_404(username)
    posts = queue.account_posts_for_moderation(account)
    form = ActionForm(request.POST, posts=posts)
    if form.is_valid():
        post = next((p for p in posts if p.pk == form.cleaned_data["post"]), None)
        if post is None and form.cleaned_data["post"]:
            post = Post.objects.filter(pk=form.cleaned_data["post"], author=account).first()
        try:
            action_take(
                moderator=_moderator(request),
                kind=form.cleaned_data["kind"],
                account=account,
                post=post,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Done.")
            if form.cleaned_data["kind"] == "delete_data":
                return redirect("moderation_queue")
            return redirect("moderation_account", username=account.username)
    return _account_page(request, account, action_form=form, status=400)


@admin_required
@require_POST
def account_legal(request: HttpRequest, username: str) -> HttpResponse:
    account = _account_or_404(username)
    form = LegalForm(request.POST)
    if form.is_valid():
        admin, what, reason = (
            _moderator(request),
            form.cleaned_data["what"],
            form.cleaned_data["reason"],
        )
        try:
            if what == "export":
                legal_export(admin=admin, account=account, reason=reason)
                messages.success(request, "The archive is being prepared; it appears below.")
            else:
                legal_hold_set(admin=admin, account=account, hold=what == "hold", reason=reason)
                messages.success(request, "Saved in the audit log.")
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect("moderation_account", username=account.username)
    return _account_page(request, account, legal_form=form, status=400)


@admin_required
def export_download(request: HttpRequest, export_id: int) -> FileResponse:
    export = DataExport.objects.filter(pk=export_id, state=DataExport.State.DONE).first()
    if export is None or not export.file:
        raise Http404
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=f"export-{export.pk}.zip"
    )


# --- Appeals --------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("uphold", "Uphold the decision"), ("reverse", "Reverse it (undo the action)")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Message to the member",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _appeal_or_404(appeal_id: int) -> Appeal:
    appeal = Appeal.objects.select_related("action", "account").filter(pk=appeal_id).first()
    if appeal is None:
        raise Http404
    return appeal


def _appeal_page(
    request: HttpRequest, appeal: Appeal, form: DecisionForm, status: int = 200
) -> HttpResponse:
    post = Post.objects.filter(pk=appeal.action.post_id).first() if appeal.action.post_id else None
    context = {"appeal": appeal, "action": appeal.action, "post": post, "form": form}
    return render(request, "moderation/appeal.html", context, status=status)


@moderator_required
def appeal_page(request: HttpRequest, appeal_id: int) -> HttpResponse:
    return _appeal_page(request, _appeal_or_404(appeal_id), DecisionForm())


@moderator_required
@require_POST
def appeal_decide_view(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = _appeal_or_404(appeal_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            appeal_decide(
                appeal=appeal,
                moderator=_moderator(request),
                reverse_it=form.cleaned_data["decision"] == "reverse",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Decided; the member is told.")
            return redirect("moderation_queue")
    return _appeal_page(request, appeal, form, status=400)


# --- Blocked words and phrases -------------------------------------------------------------


class PhraseForm(forms.Form):
    phrase = forms.CharField(
        label="Word or phrase",
        max_length=MAX_PHRASE_LENGTH,
        help_text="Matched in a post’s text and content warning, whatever the letter case.",
        error_messages={"required": "Enter a word or phrase."},
    )
    whole_word = forms.BooleanField(
        label="Whole word only",
        required=False,
        initial=True,
        help_text="“ass” then doesn’t match “class”.",
    )
    action = forms.ChoiceField(
        label="What to do with a post that uses it",
        choices=[(PhraseAction.HOLD, "Hold it for review"), (PhraseAction.REJECT, "Refuse it")],
        initial=PhraseAction.HOLD,
    )


@moderator_required
def phrases_page(request: HttpRequest) -> HttpResponse:
    """The list and the form to add one; a valid add flashes and redirects back."""
    form = PhraseForm()
    status = 200
    if request.method == "POST":
        form = PhraseForm(request.POST)
        if form.is_valid():
            try:
                added = blocked_phrase_add(actor=_moderator(request), **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"“{added.phrase}” is blocked from the next post on.")
                return redirect("moderation_phrases")
        status = 400
    context = {"form": form, "phrases": list(queue.blocked_phrase_list())}
    return render(request, "moderation/phrases.html", context, status=status)


class PhraseEditForm(forms.Form):
    """The words and the action, as in PhraseForm; whole word or not is chosen when adding."""

    phrase = PhraseForm.base_fields["phrase"]
    action = PhraseForm.base_fields["action"]


def _phrase_or_404(phrase_id: int) -> BlockedPhrase:
    phrase = queue.blocked_phrase_get(phrase_id)
    if phrase is None:
        raise Http404
    return phrase


@moderator_required
def phrase_edit(request: HttpRequest, phrase_id: int) -> HttpResponse:
    phrase = _phrase_or_404(phrase_id)
    form = PhraseEditForm(initial={"phrase": phrase.phrase, "action": phrase.action})
    status = 200
    if request.method == "POST":
        form = PhraseEditForm(request.POST)
        if form.is_valid():
            try:
                blocked_phrase_update(
                    actor=_moderator(request),
                    phrase=phrase,
                    text=form.cleaned_data["phrase"],
                    action=form.cleaned_data["action"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"“{phrase.phrase}” saved, from the next post on.")
                return redirect("moderation_phrases")
        status = 400
    context = {"form": form, "phrase": phrase}
    return render(request, "moderation/phrase_edit.html", context, status=status)


@moderator_required
@require_POST
def phrase_delete(request: HttpRequest, phrase_id: int) -> HttpResponse:
    phrase = _phrase_or_404(phrase_id)
    blocked_phrase_remove(actor=_moderator(request), phrase=phrase)
    messages.success(request, f"“{phrase.phrase}” is no longer blocked.")
    return redirect("moderation_phrases")


# --- Server rules (admins) ------------------------------------------------------------------


class RuleForm(forms.Form):
    text = forms.CharField(
        label="Rule",
        max_length=MAX_RULE_LENGTH,
        help_text="One short sentence, such as “No spam or manipulation.”",
        error_messages={"required": "Write the rule."},
    )
    hint = forms.CharField(
        label="Explanation (optional)",
        required=False,
        max_length=MAX_RULE_HINT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown after the rule on the About page and in apps.",
    )


def _rules_page(request: HttpRequest, form: RuleForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "rules": list(queue.server_rule_rows())}
    return render(request, "moderation/rules.html", context, status=status)


def _rule_or_404(rule_id: int) -> ServerRule:
    rule = queue.server_rule_get(rule_id)
    if rule is None:
        raise Http404
    return rule


@admin_required
def rules_page(request: HttpRequest) -> HttpResponse:
    """The list, in order, and the form to add one at the end; a valid add flashes and
    redirects back."""
    if request.method != "POST":
        return _rules_page(request, RuleForm())
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            added = server_rule_add(actor=_moderator(request), **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"“{added.text}” is added, last in the list.")
            return redirect("moderation_rules")
    return _rules_page(request, form, status=400)


@admin_required
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = _rule_or_404(rule_id)
    form = RuleForm(initial={"text": rule.text, "hint": rule.hint})
    status = 200
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                server_rule_update(actor=_moderator(request), rule=rule, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "Rule saved.")
                return redirect("moderation_rules")
        status = 400
    return render(request, "moderation/rule_edit.html", {"form": form, "rule": rule}, status=status)


@admin_required
@require_POST
def rule_move(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = _rule_or_404(rule_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return bad_request(request)
    server_rule_move(actor=_moderator(request), rule=rule, up=direction == "up")
    return redirect(f"{reverse('moderation_rules')}#rule-{rule.pk}")


@admin_required
@require_POST
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = _rule_or_404(rule_id)
    server_rule_remove(actor=_moderator(request), rule=rule)
    messages.success(request, f"“{rule.text}” is no longer a rule.")
    return redirect("moderation_rules")


# --- The audit log and the public page ------------------------------------------------------


@admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    page = page_before(
        queue.audit_log(), cursor="id", before=parse_cursor(request.GET.get("before"))
    )
    return render(request, "moderation/log.html", {"page": page})


def transparency(request: HttpRequest) -> HttpResponse:
    context = {"months": queue.transparency_counts(), "rules": server_rule_list()}
    return render(request, "moderation/transparency.html", context)
