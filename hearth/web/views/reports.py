"""The member's side of moderation: reporting an account or its posts, the page about an
action taken on one's own account or post (with its appeal form), and the page a suspended
member sees instead of the site."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hearth.accounts.models import Account
from hearth.accounts.selectors import account_get_visible
from hearth.core import ratelimit
from hearth.moderation.actions import appeal_create
from hearth.moderation.models import ModerationAction, ReportCategory
from hearth.moderation.queue import latest_suspension, notice_get
from hearth.moderation.reports import MAX_COMMENT, MAX_POSTS, report_create
from hearth.moderation.rules import server_rule_list
from hearth.posts.models import Post
from hearth.posts.selectors import account_posts
from hearth.web.views.relationships import viewer_account


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label="What’s wrong?",
        choices=ReportCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of problem this is."},
    )
    post_ids = forms.TypedMultipleChoiceField(
        label="Which posts?",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick the posts that show the problem, if any. The moderators see them as "
        "they are now, even if they are deleted later.",
    )
    rule_ids = forms.TypedMultipleChoiceField(
        label="Which rules?",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="If it breaks a server rule, pick the rules.",
    )
    comment = forms.CharField(
        label="Anything else the moderators should know?",
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    also_block = forms.BooleanField(
        label="Also block them",
        required=False,
        help_text="You won’t see each other at all. They aren’t told.",
    )
    also_mute = forms.BooleanField(
        label="Also mute them",
        required=False,
        help_text="Their posts leave your feeds. They aren’t told.",
    )

    def __init__(self, *args: Any, posts: list[Post], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post_ids"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (post.pk, f"{post.created_at:%d %b %Y}: {(post.spoiler_text or post.text)[:140]}")
            for post in posts
        ]
        self.fields["rule_ids"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (rule.id, rule.text) for rule in server_rule_list()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") == ReportCategory.RULE and not data.get("rule_ids"):
            self.add_error("rule_ids", "Pick the rules it breaks.")
        return data


def _reportable_target(request: HttpRequest, username: str) -> tuple[Account, Account]:
    reporter = viewer_account(request)
    target = account_get_visible(username=username, viewer=request.user)
    if reporter is None or target is None or target.pk == reporter.pk:
        raise Http404
    return reporter, target


@login_required
def report(request: HttpRequest, username: str) -> HttpResponse:
    """Report an account: the category, some of its posts, a comment; block or mute too."""
    reporter, target = _reportable_target(request, username)
    posts = list(account_posts(reporter, target, with_replies=True)[:MAX_POSTS])
    chosen = request.GET.get("post", "")
    if chosen.isdigit() and int(chosen) not in {post.pk for post in posts}:
        # Reported from a post older than the recent ones: list it too.
        posts += list(account_posts(reporter, target, with_replies=True).filter(pk=int(chosen)))
    if request.method == "POST":
        form = ReportForm(request.POST, posts=posts)
        if form.is_valid():
            data = form.cleaned_data
            ratelimit.limit(request, "report")
            try:
                report_create(
                    reporter=reporter,
                    target=target,
                    category=data["category"],
                    comment=data["comment"],
                    post_ids=data["post_ids"],
                    rule_ids=data["rule_ids"] if data["category"] == ReportCategory.RULE else [],
                    also_block=data["also_block"],
                    also_mute=data["also_mute"],
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                return render(
                    request,
                    "moderation/report_sent.html",
                    {"account": target, "blocked": data["also_block"], "muted": data["also_mute"]},
                )
        status = 400
    else:
        initial = {"post_ids": [int(chosen)]} if chosen.isdigit() else {}
        form = ReportForm(initial=initial, posts=posts)
        status = 200
    return render(
        request, "moderation/report_form.html", {"form": form, "account": target}, status=status
    )


def _errors_to_form(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class AppealForm(forms.Form):
    text = forms.CharField(
        label="Why should the moderators look again?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _own_post(action: ModerationAction, account: Account) -> Post | None:
    if action.post_id is None:
        return None
    return Post.objects.filter(pk=action.post_id, author=account).first()


@login_required
def notice(request: HttpRequest, action_id: int) -> HttpResponse:
    """What the moderators did to the member's account or post, why, and the appeal form."""
    account = viewer_account(request)
    action = notice_get(account=account, action_id=action_id) if account else None
    if account is None or action is None:
        raise Http404
    return _notice_page(request, account, action, AppealForm())


def _notice_page(
    request: HttpRequest,
    account: Account,
    action: ModerationAction,
    form: AppealForm,
    *,
    template: str = "moderation/notice.html",
    status: int = 200,
) -> HttpResponse:
    appeal = getattr(action, "appeal", None) if action.appealable else None
    context = {
        "action": action,
        "post": _own_post(action, account),
        "appeal": appeal,
        "form": form,
        "can_appeal": action.appealable and appeal is None,
    }
    return render(request, template, context, status=status)


@login_required
@require_POST
def notice_appeal(request: HttpRequest, action_id: int) -> HttpResponse:
    account = viewer_account(request)
    action = notice_get(account=account, action_id=action_id) if account else None
    if account is None or action is None:
        raise Http404
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            appeal_create(account=account, action=action, text=form.cleaned_data["text"])
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            if account.suspended_at is not None:
                return redirect("moderation_suspended")
            return redirect("moderation_notice", action_id=action.pk)
    template = "moderation/suspended.html" if account.suspended_at else "moderation/notice.html"
    return _notice_page(request, account, action, form, template=template, status=400)


@login_required
def suspended(request: HttpRequest) -> HttpResponse:
    """What a suspended member sees on logging in: the reason, and the appeal form."""
    account = viewer_account(request)
    if account is None or account.suspended_at is None:
        return redirect("home")
    action = latest_suspension(account)
    if action is None:  # suspended outside the moderation tools: nothing to appeal
        return render(request, "moderation/suspended.html", {"action": None})
    return _notice_page(
        request, account, action, AppealForm(), template="moderation/suspended.html"
    )
