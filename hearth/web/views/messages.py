"""Direct messages: the member's conversations (hearth.messaging), and one conversation with a
reply box that writes a direct post to the same people.

Opening a conversation marks it read. Someone else's conversation is a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from hearth.core.pagination import paginate
from hearth.messaging import selectors, services
from hearth.timelines.selectors import hydrate_posts
from hearth.web.post_forms import add_errors
from hearth.web.views.relationships import member_account

#: Conversations on one page of the list.
PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    account = member_account(request)
    page = paginate(
        selectors.conversations_for(account),
        max_id=request.GET.get("before"),
        limit=PAGE_SIZE,
        key="last_status_id",
    )
    context = {
        "conversations": selectors.conversation_views(account, page.items),
        "next_before": page.next_max_id,
    }
    return render(request, "web/messages/inbox.html", context)


class ReplyForm(forms.Form):
    """Only the text: the audience is the conversation's (hearth.messaging adds the mentions),
    and the full compose box is there for content warnings and photos."""

    text = forms.CharField(
        label="Your message",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-compose-text": ""}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    account = member_account(request)
    member = selectors.access_conversation(account, conversation_id)
    form = ReplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.conversation_reply(
                    account=account, conversation_id=conversation_id, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Message sent.")
                return redirect(reverse("conversation", args=[conversation_id]) + "#reply")
        status = 400
    elif member.unread:
        services.conversation_mark_read(account=account, conversation_id=conversation_id)
    [view] = selectors.conversation_views(account, [member])
    context = {
        "conversation": view,
        "views": hydrate_posts(account, selectors.conversation_messages(account, member)),
        "form": form,
        "viewer": account,
    }
    return render(request, "web/messages/conversation.html", context, status=status)
