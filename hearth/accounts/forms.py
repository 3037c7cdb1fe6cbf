import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from allauth.core import context
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html

from hearth.accounts import images
from hearth.accounts.adapters import signup_gate_for
from hearth.accounts.images import ImageSpec, ProcessedImage
from hearth.accounts.models import Account, User
from hearth.accounts.models.account import MAX_PROFILE_LINKS, ProfileLink
from hearth.accounts.models.user import Theme, Visibility
from hearth.accounts.services import POSTING_LANGUAGES
from hearth.accounts.signups import REASON_MAX_LENGTH, signup_gate


def _terms_label() -> str:
    return format_html(
        'I have read and accept the <a href="{}">terms of service</a>, the '
        '<a href="{}">privacy policy</a> and the <a href="{}">community guidelines</a>.',
        reverse_lazy("policy", kwargs={"slug": "terms"}),
        reverse_lazy("policy", kwargs={"slug": "privacy"}),
        reverse_lazy("policy", kwargs={"slug": "guidelines"}),
    )


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form gains: agreeing to the server's terms is required."""

    accept_terms = forms.BooleanField(
        label=lazy(_terms_label, str)(),
        required=True,
        error_messages={"required": "You need to accept the terms to join."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # allauth builds this form without the request; its context holds it (the invite a
        # visitor arrived with lets them skip approval, so the question depends on it).
        request = context.request
        self.gate = signup_gate_for(request) if request is not None else signup_gate()
        if self.gate.needs_approval:
            self.fields["reason"] = forms.CharField(
                label="Why do you want to join?",
                max_length=REASON_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="New accounts here are approved by the admins. A few words about you "
                "and what brings you help them decide.",
                error_messages={
                    "required": "Tell the admins why you want to join.",
                    "max_length": "Keep it to %(limit_value)d characters "
                    "(this has %(show_value)d).",
                },
            )

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth calls this after the user is saved; the Account is made by the adapter."""


# --- Profile ---------------------------------------------------------------------------------

LINK_NAME_MAX_LENGTH = 40
LINK_URL_MAX_LENGTH = 500


def _no_control_characters(value: str) -> None:
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError("Use a single line of text, without special characters.")


def _image_help(spec: ImageSpec, shape: str) -> str:
    return (
        f"JPEG, PNG, WebP or GIF, up to {settings.HEARTH_MAX_UPLOAD_MB} MB; {shape} and stored at "
        f"{spec.width} × {spec.height} pixels. Location and camera details are removed."
    )


class LinksWidget(forms.Widget):
    """Reads repeated `links-name` / `links-url` pairs; the template draws the rows itself."""

    def value_from_datadict(
        self, data: Mapping[str, Any], files: Mapping[str, Any], name: str
    ) -> list[tuple[str, str]]:
        getlist = getattr(data, "getlist", None)
        if getlist is None:
            return []
        names: list[str] = getlist(f"{name}-name")
        urls: list[str] = getlist(f"{name}-url")
        length = max(len(names), len(urls))
        names += [""] * (length - len(names))
        urls += [""] * (length - len(urls))
        return list(zip(names, urls, strict=True))


class LinksField(forms.Field):
    """Up to MAX_PROFILE_LINKS name + web address pairs; blank rows are dropped."""

    widget = LinksWidget

    def to_python(self, value: Any) -> list[ProfileLink]:
        links: list[ProfileLink] = []
        problems: list[str] = []
        for number, (raw_name, raw_url) in enumerate(value or [], start=1):
            name, url = str(raw_name).strip(), str(raw_url).strip()
            if not name and not url:
                continue
            problem = _link_problem(name, url)
            if problem:
                problems.append(f"Link {number}: {problem}")
            links.append({"name": name, "url": url})
        if len(links) > MAX_PROFILE_LINKS:
            problems.insert(0, f"You can show at most {MAX_PROFILE_LINKS} links; remove one.")
        if problems:
            raise ValidationError(problems)
        return links


_url_validator = URLValidator(schemes=["http", "https"])


def _link_problem(name: str, url: str) -> str | None:
    if not name:
        return "give the link a name, such as “Website”."
    if len(name) > LINK_NAME_MAX_LENGTH:
        return f"names are at most {LINK_NAME_MAX_LENGTH} characters."
    if any(unicodedata.category(char) == "Cc" for char in name):
        return "the name must be a single line of text."
    if not url:
        return "add the web address it points to."
    if len(url) > LINK_URL_MAX_LENGTH:
        return f"web addresses are at most {LINK_URL_MAX_LENGTH} characters."
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return "the address must start with http:// or https://."
    try:
        _url_validator(url)
    except ValidationError:
        return "that doesn’t look like a complete web address."
    return None


class ImageUploadField(forms.FileField):
    """A picture, checked and re-encoded by `hearth.accounts.images`; cleans to ProcessedImage."""

    def __init__(self, *, spec: ImageSpec, **kwargs: Any) -> None:
        self.spec = spec
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.FileInput(attrs={"accept": images.ACCEPTED_CONTENT_TYPES})
        )
        kwargs.setdefault("allow_empty_file", True)  # images.process_image says it better
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> ProcessedImage | None:
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return images.process_image(upload, spec=self.spec)


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=50,
        required=False,
        validators=[_no_control_characters],
        help_text="Shown above your @username. Leave blank to use your username.",
        error_messages={
            "max_length": "Display names are at most %(limit_value)d characters "
            "(this one has %(show_value)d)."
        },
    )
    bio = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few words about you, up to 500 characters.",
        error_messages={
            "max_length": "Your bio can be at most %(limit_value)d characters "
            "(this one has %(show_value)d)."
        },
    )
    avatar = ImageUploadField(
        spec=images.AVATAR,
        label="Profile picture",
        help_text=_image_help(images.AVATAR, "cropped to a square"),
    )
    remove_avatar = forms.BooleanField(required=False, label="Remove my profile picture")
    header = ImageUploadField(
        spec=images.HEADER,
        label="Header image",
        help_text=_image_help(images.HEADER, "cropped to a wide banner"),
    )
    remove_header = forms.BooleanField(required=False, label="Remove my header image")
    links = LinksField(
        required=False,
        label="Links",
        help_text=f"Up to {MAX_PROFILE_LINKS} links, each starting with http:// or https://.",
    )
    locked = forms.BooleanField(
        required=False,
        label="Approve followers",
        help_text="People ask to follow you, and you choose who can.",
    )
    discoverable = forms.BooleanField(
        required=False,
        label="Suggest my profile to others",
        help_text="Your profile may be listed in the directory and recommended to people.",
    )
    hide_network = forms.BooleanField(
        required=False,
        label="Hide who I follow and who follows me",
        help_text="Others see your follower and following counts, but not the lists.",
    )

    @classmethod
    def initial_for(cls, account: Account) -> dict[str, Any]:
        return {
            "display_name": account.display_name,
            "bio": account.bio,
            "links": [(link["name"], link["url"]) for link in account.links],
            "locked": account.locked,
            "discoverable": account.discoverable,
            "hide_network": account.hide_network,
        }

    def link_rows(self) -> list[tuple[str, str]]:
        """The rows the template shows: what was entered (or saved), padded with empty rows."""
        rows = list(self["links"].value() or [])
        return rows + [("", "")] * max(0, MAX_PROFILE_LINKS - len(rows))


class PreferencesForm(forms.Form):
    default_visibility = forms.ChoiceField(
        label="Default post visibility",
        choices=Visibility.choices,
        help_text="Who can see a new post unless you choose otherwise when writing it.",
    )
    language = forms.ChoiceField(
        label="Posting language",
        required=False,
        choices=[
            ("", "Detect from each post"),
            *sorted(POSTING_LANGUAGES.items(), key=lambda item: item[1]),
        ],
        help_text="The language your posts are marked with, so readers can filter and "
        "translate them.",
    )
    theme = forms.ChoiceField(
        label="Theme",
        choices=Theme.choices,
        widget=forms.RadioSelect,
        help_text="“Match my device” follows your system’s light or dark setting.",
    )
    require_alt_text = forms.BooleanField(
        label="Require a description for every image",
        required=False,
        help_text="Without this, Hearth reminds you when an image has no description (alt text) "
        "but posts it anyway. With it, the post waits until each image is described.",
    )
