"""Lists: the member's own timelines of some of the people they follow.

/lists shows them and makes a new one; /lists/<id> is a list's timeline; /lists/<id>/edit
renames it, sets which replies it shows, and adds or removes people among those the member
follows. Someone else's list is a 404. Every change calls one hearth.timelines.lists service.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hearth.timelines import lists
from hearth.timelines.models import MAX_LIST_TITLE_LENGTH, List
from hearth.timelines.selectors import Cursor
from hearth.web.views.relationships import is_htmx, member_account

#: How many of the people the member follows the edit page offers at once (a filter finds more).
CANDIDATES_SHOWN = 50


class ListForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=MAX_LIST_TITLE_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "Close friends, News, Neighbours…"}),
    )
    replies_policy = forms.ChoiceField(
        label="Replies to show",
        choices=[
            (List.RepliesPolicy.LIST, "Replies to other people on this list"),
            (List.RepliesPolicy.FOLLOWED, "Replies to anyone you follow"),
            (List.RepliesPolicy.NONE, "No replies (replies to you still show)"),
        ],
        initial=List.RepliesPolicy.LIST,
    )


def _with_service_errors(form: ListForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The member's lists, and the form to make one (then on to adding people)."""
    owner = member_account(request)
    form = ListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = lists.list_create(owner=owner, **form.cleaned_data)
        except ValidationError as error:
            _with_service_errors(form, error)
        else:
            messages.success(request, f"List “{created.title}” created. Now add some people.")
            return redirect("list_edit", list_id=created.pk)
    status = 400 if form.errors else 200
    context = {"lists": lists.lists_of(owner=owner), "form": form}
    return render(request, "web/lists/index.html", context, status=status)


@login_required
def detail(request: HttpRequest, list_id: int) -> HttpResponse:
    """The list's timeline; with htmx asking for an older page, only its posts."""
    viewer = member_account(request)
    found = lists.access_list(owner=viewer, list_id=list_id)
    page = lists.list_timeline(viewer, found, Cursor(max_id=request.GET.get("max_id")))
    context = {"list": found, "page": page, "viewer": viewer, "next_url": request.path}
    if is_htmx(request) and request.GET.get("max_id") is not None:
        return render(request, "web/timelines/_page.html", context)
    context["member_count"] = found.members.count()
    return render(request, "web/lists/detail.html", context)


@login_required
def edit(request: HttpRequest, list_id: int) -> HttpResponse:
    """Rename the list or change its replies; see its members and who could be added."""
    owner = member_account(request)
    found = lists.access_list(owner=owner, list_id=list_id)
    initial = {"title": found.title, "replies_policy": found.replies_policy}
    form = ListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lists.list_update(list_=found, **form.cleaned_data)
        except ValidationError as error:
            _with_service_errors(form, error)
        else:
            messages.success(request, "List saved.")
            return redirect("list_edit", list_id=found.pk)
    query = request.GET.get("q", "").strip().removeprefix("@")[:100]
    members = list(lists.list_members(list_=found)[: lists.MAX_LIST_MEMBERS])
    candidates = lists.followed_accounts(owner_id=owner.pk).exclude(
        pk__in=[member.pk for member in members]
    )
    if query:
        candidates = candidates.filter(username__istartswith=query) | candidates.filter(
            display_name__istartswith=query
        )
    context = {
        "list": found,
        "form": form,
        "members": members,
        "candidates": candidates.order_by(Lower("username"))[:CANDIDATES_SHOWN],
        "query": query,
    }
    return render(request, "web/lists/edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def delete(request: HttpRequest, list_id: int) -> HttpResponse:
    found = lists.access_list(owner=member_account(request), list_id=list_id)
    lists.list_delete(list_=found)
    messages.success(request, f"List “{found.title}” deleted.")
    return redirect("lists")


@login_required
@require_POST
def member(request: HttpRequest, list_id: int, action: str) -> HttpResponse:
    """Adds (`action` "add") or removes ("remove") the posted `account_id`."""
    found = lists.access_list(owner=member_account(request), list_id=list_id)
    try:
        account_id = int(request.POST.get("account_id", ""))
    except ValueError:
        messages.error(request, "Choose someone to add or remove.")
        return redirect("list_edit", list_id=found.pk)
    if action == "add":
        try:
            lists.list_members_add(list_=found, account_ids=[account_id])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        lists.list_members_remove(list_=found, account_ids=[account_id])
    return redirect(reverse("list_edit", kwargs={"list_id": found.pk}) + "#members")
