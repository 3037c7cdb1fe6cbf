from django import forms
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html

from hearth.accounts.models import User


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

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth calls this after the user is saved; the Account is made by the adapter."""
