"""CompiledQuery: a queryset compiled once per shape answers as the queryset would."""

from typing import Any

import pytest
from django.db.models import QuerySet

from hearth.accounts.models import Account
from hearth.core.compiled import CompiledQuery
from hearth.posts.tests.factories import make_account

pytestmark = pytest.mark.django_db


def _accounts(name: str, ids: list[int]) -> QuerySet[Any, tuple[Any, ...]]:
    rows: QuerySet[Any, tuple[Any, ...]] = (
        Account.objects.filter(pk__in=ids)
        .exclude(username=name)
        .order_by("pk")
        .values_list("pk", "username", "created_at", "locked")
    )
    return rows


def test_rows_are_the_querysets_for_every_value_and_shape() -> None:
    # Given accounts, and the same query compiled once per shape
    made = [make_account(f"member{n}") for n in range(4)]
    compiled = CompiledQuery(_accounts)
    ids = [account.pk for account in made]
    for name, wanted in (("member0", ids), ("member1", ids), ("nobody", ids[:2]), ("x", ids[3:])):
        # When it runs with new values (the second run of a shape uses the template)
        first = compiled.rows(name, wanted)
        again = compiled.rows(name, wanted)
        # Then it answers what the queryset answers, converted the same way
        assert first == again == list(_accounts(name, wanted))
    assert isinstance(compiled.rows("x", ids)[0][2], type(made[0].created_at))


def test_an_empty_list_answers_nothing() -> None:
    make_account("member")
    assert CompiledQuery(_accounts).rows("member", []) == []
