from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from hearth.accounts.models import User
from hearth.accounts.services import account_create_for_user


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        saved: User = super().save_user(request, user, form, commit=commit)
        if commit:
            account_create_for_user(user=saved)
        return saved
