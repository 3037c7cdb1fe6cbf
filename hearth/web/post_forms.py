"""The forms for writing and editing posts. They only carry what was typed: the posts services
check it (blank, too long, a direct post without a mention) and their ValidationError is put
next to the fields, so an error never loses the text."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from hearth.accounts.models.user import Visibility
from hearth.posts.models import Post


class PostForm(forms.Form):
    """A new post, or a reply when `in_reply_to` holds the parent's id."""

    text = forms.CharField(
        label="What’s on your mind?",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-compose-text": ""}),
    )
    spoiler_text = forms.CharField(label="Content warning", required=False, strip=False)
    visibility = forms.ChoiceField(label="Who can see this", choices=Visibility.choices)
    in_reply_to = forms.CharField(required=False, widget=forms.HiddenInput)
    #: Uploads already made by the compose script (hearth.web.views.media.compose_media reads
    #: them with their descriptions); kept when the form comes back with an error.
    media_ids = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    sensitive = forms.BooleanField(
        label="Mark images as sensitive",
        required=False,
        help_text="They stay blurred until the reader chooses to see them.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's loose signature
        # Any ids are accepted here; the media service decides which are the member's.
        ids = self.data.getlist("media_ids") if hasattr(self.data, "getlist") else []
        self.fields["media_ids"].choices = [(pk, pk) for pk in ids]  # type: ignore[attr-defined]


class EditForm(forms.Form):
    text = forms.CharField(
        label="Text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "data-compose-text": ""}),
    )
    spoiler_text = forms.CharField(label="Content warning", required=False, strip=False)


def default_visibility(request: HttpRequest) -> str:
    """The visibility a new post of the member starts with."""
    return str(getattr(request.user, "default_visibility", Visibility.PUBLIC))


def compose_form(request: HttpRequest, reply_to: Post | None = None) -> PostForm:
    """An empty form with the member's default visibility (a reply keeps a narrower one)."""
    visibility = default_visibility(request)
    initial: dict[str, object] = {"visibility": visibility}
    if reply_to is not None:
        order = list(Visibility.values)
        initial["in_reply_to"] = reply_to.pk
        initial["visibility"] = max(visibility, reply_to.visibility, key=order.index)
        mention = f"@{reply_to.author.username} "
        initial["text"] = mention if reply_to.author.user_id != request.user.pk else ""
    return PostForm(initial=initial)


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields (others above the form)."""
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)
