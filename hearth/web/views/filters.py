"""Settings → Muted words (/settings/filters): the member's keyword filters (hearth.filters),
one word or phrase each, and `filtered_page`, which applies them to the web's home and public
timelines: a `hide` word leaves the post out, a `warn` (or `blur`) word folds it behind
"Hidden by your muted word" (web/timelines/_page.html, hearth_filters.muted_word)."""

from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hearth.accounts.models import Account
from hearth.filters import selectors, services
from hearth.filters.models import MAX_KEYWORD_LENGTH, FilterAction, FilterContext
from hearth.timelines.selectors import TimelinePage
from hearth.web.cards import Card, CardPage
from hearth.web.views.relationships import member_account

#: (seconds or "", label) for "Mute for".
EXPIRY_CHOICES = [
    ("", "Until I unmute it"),
    ("86400", "1 day"),
    ("604800", "1 week"),
    ("2592000", "30 days"),
]


class MutedWordForm(forms.Form):
    phrase = forms.CharField(
        label="Word or phrase",
        max_length=MAX_KEYWORD_LENGTH,
        help_text="Matched in posts' text and content warnings, whatever the letter case.",
    )
    whole_word = forms.BooleanField(
        label="Whole word only",
        required=False,
        initial=True,
        help_text="“cat” then won’t match “concatenate”.",
    )
    context = forms.MultipleChoiceField(
        label="Mute in",
        choices=FilterContext.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[FilterContext.HOME, FilterContext.PUBLIC, FilterContext.THREAD],
        error_messages={"required": "Choose at least one place."},
    )
    filter_action = forms.ChoiceField(
        label="What to do",
        choices=[
            (FilterAction.WARN, "Hide behind a warning I can open"),
            (FilterAction.HIDE, "Hide completely"),
        ],
        widget=forms.RadioSelect,
        initial=FilterAction.WARN,
    )
    expires_in = forms.ChoiceField(label="Mute for", choices=EXPIRY_CHOICES, required=False)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    account = member_account(request)
    form = MutedWordForm()
    status = 200
    if request.method == "POST":
        form = MutedWordForm(request.POST)
        if form.is_valid() and _create(account, form):
            messages.success(request, f"“{form.cleaned_data['phrase'].strip()}” is muted.")
            return redirect("settings_filters")
        status = 400
    listed = selectors.filters_of(owner=account)
    return render(
        request,
        "web/settings/filters.html",
        {"form": form, "filters": listed, "now": timezone.now()},
        status=status,
    )


def _create(account: Account, form: MutedWordForm) -> bool:
    """Creates the filter; False with the service's errors put next to the form's fields."""
    data = form.cleaned_data
    seconds = data.get("expires_in")
    try:
        services.filter_create(
            owner=account,
            title=data["phrase"],
            context=data["context"],
            filter_action=data["filter_action"],
            expires_at=timezone.now() + timedelta(seconds=int(seconds)) if seconds else None,
            keywords=[
                services.KeywordChange(keyword=data["phrase"], whole_word=data["whole_word"])
            ],
        )
    except ValidationError as error:
        fields = {"title": "phrase", "keywords_attributes": "phrase"}
        for field, problems in error.message_dict.items():
            name = fields.get(field, field)
            form.add_error(name if name in form.fields else None, problems)
        return False
    return True


@login_required
@require_POST
def delete(request: HttpRequest, filter_id: int) -> HttpResponse:
    found = selectors.access_filter(owner=member_account(request), filter_id=filter_id)
    services.filter_delete(filter_=found)
    messages.success(request, f"“{found.title}” is no longer muted.")
    return redirect("settings_filters")


_Page = TypeVar("_Page", TimelinePage, CardPage)


def filtered_page(
    viewer: Account | None, context: str, page: _Page
) -> tuple[_Page, dict[int, str]]:
    """The page without the posts a hide filter matches, and for each post a warn/blur filter
    matches, the muted word (or the filter's title, for a post muted by hand) to show. Posts
    are matched by what they show: the original, for a repost."""
    active = selectors.active_filters(viewer, context)
    if not active:
        return page, {}
    kept: list[Any] = []
    warnings: dict[int, str] = {}
    for item in page.items:
        pk, shown = (
            (item.pk, item.shown) if isinstance(item, Card) else (item.post.pk, item.shown.post)
        )
        matches = selectors.filter_matches(active, shown)
        if selectors.hidden_by(matches):
            continue
        if matches:
            first = matches[0]
            words = first.keyword_matches
            warnings[pk] = words[0] if words else first.filter.title
        kept.append(item)
    return replace(page, items=kept), warnings
