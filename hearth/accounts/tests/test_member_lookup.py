"""`User.objects.get(pk=...)`, the lookup of every signed-in request, runs a compiled query and
answers exactly what the queryset would: the user with its account, in one query."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import Account, User
from hearth.accounts.services import account_create_for_user

pytestmark = pytest.mark.django_db


def _fields(instance: object) -> dict[str, object]:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields  # type: ignore[attr-defined]
    }


def _member(username: str) -> User:
    user = User.objects.create_user(username=username, password="a-long-password-123")
    account_create_for_user(user=user)
    return user


@pytest.mark.parametrize("as_text", [False, True])
def test_get_by_pk_loads_the_user_and_account_in_one_query(as_text: bool) -> None:
    # Given a member (the session keeps their id as text)
    made = _member("ana")
    pk = str(made.pk) if as_text else made.pk
    # When they are looked up by primary key, more than once (the compiled runs)
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            user = User.objects.get(pk=pk)
            account = user.account
            assert account.user is user
        # Then one query loaded both, with every field as the queryset loads it
        assert len(queries) == 1
    expected = User.objects.filter(pk=made.pk).select_related("account").first()
    assert expected is not None
    assert _fields(user) == _fields(expected)
    assert _fields(account) == _fields(expected.account)
    assert not user._state.adding
    assert user._state.db == "default"
    # And it saves as a loaded row does (an UPDATE, not an INSERT)
    user.first_name = "Ana"
    user.save(update_fields=["first_name"])
    assert User.objects.get(pk=made.pk).first_name == "Ana"


def test_a_user_without_an_account_has_none_cached() -> None:
    # Given a user made outside sign-up (createsuperuser: no account yet)
    made = User.objects.create_user(username="root", password="a-long-password-123")
    # When looked up, then asked for the account
    user = User.objects.get(pk=made.pk)
    with CaptureQueriesContext(connection) as queries, pytest.raises(Account.DoesNotExist):
        user.account  # noqa: B018
    # Then it is known missing without another query, as with select_related
    assert len(queries) == 0


def test_missing_and_malformed_keys_fail_as_the_queryset_does() -> None:
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=10**15)
    with pytest.raises((ValueError, ValidationError)):
        User.objects.get(pk="12abc")


def test_other_lookups_are_the_querysets() -> None:
    made = _member("bruno")
    assert User.objects.get(username="bruno") == made
    assert User.objects.get(pk=made.pk, is_active=True) == made
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=made.pk, is_active=False)
