"""Whether the server takes new members: the same answer the sign-up page gets."""

from allauth.account.adapter import get_adapter
from django.http import HttpRequest


def registrations_open(request: HttpRequest) -> bool:
    return bool(get_adapter(request).is_open_for_signup(request))
