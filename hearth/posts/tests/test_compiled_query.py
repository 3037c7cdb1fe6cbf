"""CompiledQuery: a queryset compiled once per shape answers as the queryset would."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from hearth.accounts.models import Account
from hearth.core.compiled import (
    _ITEM,
    _KEEP,
    _SCALAR,
    CompiledQuery,
    CompiledUpdate,
    _numbered,
    counter,
)
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


def _joined_since(since: datetime, ids: list[int]) -> QuerySet[Any, tuple[Any, ...]]:
    rows: QuerySet[Any, tuple[Any, ...]] = (
        Account.objects.filter(pk__in=ids, created_at__gte=since).order_by("pk").values_list("pk")
    )
    return rows


def test_a_datetime_is_a_value_like_any_other() -> None:
    # Given accounts made a day apart, and a query taking an instant, compiled once
    made = [make_account(f"member{n}") for n in range(3)]
    now = timezone.now()
    for days, account in enumerate(made):
        Account.objects.filter(pk=account.pk).update(created_at=now - timedelta(days=days))
    ids = [account.pk for account in made]
    compiled = CompiledQuery(_joined_since)
    # When it runs with several instants
    for hours in (1, 25, 49, 1000):
        since = now - timedelta(hours=hours)
        # Then each run answers what the queryset answers for that instant
        assert compiled.rows(since, ids) == list(_joined_since(since, ids))
    assert len(compiled.rows(now - timedelta(hours=25), ids)) == 2


@pytest.mark.postgres
def test_postgresql_compiles_a_query_taking_a_datetime_once() -> None:
    # Given a query taking an instant, run once
    compiled = CompiledQuery(_joined_since)
    compiled.rows(timezone.now(), [1])
    # Then its shape has a template (SQLite, which sends instants as text, builds it each time)
    assert [template is not None for template in compiled._templates.values()] == [True]


def test_a_literal_percent_sign_survives_the_placeholders() -> None:
    # Given a query whose SQL holds a literal % beside its placeholders (doubled for psycopg,
    # which a prepared run's `$1` form must turn back into one)
    member = make_account("member")

    def percent(pk: int) -> QuerySet[Any, tuple[Any, ...]]:
        rows: QuerySet[Any, tuple[Any, ...]] = (
            Account.objects.filter(pk=pk)
            .annotate(label=RawSQL("'100%%'", ()))
            .values_list("username", "label")
        )
        return rows

    compiled = CompiledQuery(percent)
    # When it runs past the prepare threshold
    answers = [compiled.rows(member.pk) for _ in range(7)]
    # Then every run answers the literal as written
    assert answers == [[("member", "100%")]] * 7


def test_placeholders_are_numbered_in_order() -> None:
    values = [(_SCALAR, 0), (_ITEM, (1, 0)), (_ITEM, (1, 1))]
    assert _numbered("a = %s AND b LIKE '%%x' OR c IN (%s, %s)", values) == (
        "a = $1 AND b LIKE '%x' OR c IN ($2, $3)",
        "a = %s AND b LIKE '%%x' OR c IN (%s, %s)",
        values,
    )


def test_the_querys_own_constants_are_written_in() -> None:
    # Given SQL whose parameters are a value, then the query's own constants: a word with a
    # quote and a percent sign, a flag, a number, a number too large for a literal int4, a
    # word with a backslash
    sql = "a = %s AND s = %s AND f = %s AND n = %s AND big = %s AND %s"
    slots = [(_SCALAR, 0), (_KEEP, "it's 5%"), (_KEEP, False), (_KEEP, 7), (_KEEP, 2**40)]
    slots.append((_KEEP, "back\\slash"))

    raw, logged, kept = _numbered(sql, slots)

    # Then the constants are literals (quotes doubled), the others numbered placeholders, and
    # the logged text reads them the same with %s (a percent sign doubled)
    assert raw == "a = $1 AND s = 'it''s 5%' AND f = false AND n = 7 AND big = $2 AND $3"
    assert logged == "a = %s AND s = 'it''s 5%%' AND f = false AND n = 7 AND big = %s AND %s"
    assert kept == [(_SCALAR, 0), (_KEEP, 2**40), (_KEEP, "back\\slash")]


def test_an_empty_list_answers_nothing() -> None:
    make_account("member")
    assert CompiledQuery(_accounts).rows("member", []) == []


# --- Prepared statements (PostgreSQL) --------------------------------------------------------


def _prepared(table_column: str) -> list[tuple[int, int]]:
    """(runs, generic runs) of each statement prepared over the protocol (psycopg's, not
    SQL PREPARE) on this connection that reads `table_column`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans, generic_plans FROM pg_prepared_statements"
            " WHERE NOT from_sql AND strpos(statement, %s) > 0",
            [table_column],
        )
        return [tuple(row) for row in cursor.fetchall()]


_LOCKED = '"accounts_account"."locked"'


@pytest.mark.postgres
def test_postgresql_runs_one_prepared_statement_per_shape() -> None:
    # Given accounts, and the query compiled once
    made = [make_account(f"member{n}") for n in range(4)]
    ids = [account.pk for account in made]
    compiled = CompiledQuery(_accounts)

    # When it runs eight times with new values (PostgreSQL moves to a generic plan after five)
    for run in range(8):
        wanted = ids[run % 2 :][:2]
        # Then each run answers what the queryset answers
        assert compiled.rows(f"member{run % 4}", wanted) == list(
            _accounts(f"member{run % 4}", wanted)
        )

    # And all eight ran one statement, prepared once, on the same connection
    [(runs, _)] = _prepared(_LOCKED)
    assert runs == 8


@pytest.mark.postgres
def test_prepared_runs_are_counted_and_logged_with_their_values(
    django_assert_num_queries: Any,
) -> None:
    # Given an account, and the query compiled once
    make_account("member")
    compiled = CompiledQuery(_accounts)
    compiled.rows("member", [1])

    # When it runs again (prepared), with queries counted and logged
    with django_assert_num_queries(1) as captured:
        compiled.rows("somebody", [1, 2])
        compiled_sql = captured.captured_queries[0]["sql"]

    # Then it counts as one query, logged with its values in place as Django logs its own
    assert "'somebody'" in compiled_sql
    assert "%s" not in compiled_sql


@pytest.mark.postgres
def test_a_rolled_back_transaction_leaves_the_statement_usable() -> None:
    # Given a statement prepared inside a savepoint that is then rolled back (psycopg then
    # deallocates its statements)
    made = make_account("member")
    compiled = CompiledQuery(_accounts)
    with transaction.atomic():
        savepoint = transaction.savepoint()
        compiled.rows("x", [made.pk])
        transaction.savepoint_rollback(savepoint)

    # When the query runs again
    rows = compiled.rows("x", [made.pk])

    # Then it is prepared again and answers as before
    assert rows == list(_accounts("x", [made.pk])) != []
    assert _prepared(_LOCKED)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statement_again() -> None:
    # Given a statement prepared on one connection
    made = make_account("member")
    compiled = CompiledQuery(_accounts)
    first = compiled.rows("x", [made.pk])
    before = _backend()

    # When that connection is gone (the pool closed) and the query runs on a new one
    connection.close()
    connection.close_pool()  # type: ignore[attr-defined]  # PostgreSQL's wrapper has it
    rows = compiled.rows("x", [made.pk])

    # Then the new connection prepares it and answers the same
    assert _backend() != before
    assert rows == first == list(_accounts("x", [made.pk])) != []
    [(runs, _)] = _prepared(_LOCKED)
    assert runs == 1


@pytest.mark.postgres
def test_without_a_prepare_threshold_nothing_is_prepared() -> None:
    # Given a connection on which psycopg may not prepare (HEARTH_DB_PREPARE off)
    made = make_account("member")
    compiled = CompiledQuery(_accounts)
    connection.ensure_connection()
    raw = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, None
    try:
        # When the query runs
        rows = [compiled.rows("x", [made.pk]) for _ in range(3)]
    finally:
        raw.prepare_threshold = threshold

    # Then it answers as the queryset does, from Django's own (client-side binding) cursor
    assert rows == [list(_accounts("x", [made.pk]))] * 3
    assert _prepared(_LOCKED) == []


def _backend() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid: int = cursor.fetchone()[0]
        return pid


# --- CompiledUpdate ----------------------------------------------------------------------------


def test_an_update_changes_what_the_querysets_update_would(
    django_assert_num_queries: Any,
) -> None:
    # Given three accounts, and their posts counter's update (compiled once per number of ids)
    ana, bruno, carla = (make_account(name) for name in ("ana", "bruno", "carla"))
    add = counter(Account, "posts_count")

    # When it runs for one account, then two, then again with new values (one query each)
    with django_assert_num_queries(4):
        assert add.run([ana.pk], 3) == 1
        assert add.run([ana.pk, bruno.pk], 2) == 2
        assert add.run([bruno.pk], -5) == 1
        assert add.run([carla.pk + 1000], 1) == 0

    # Then the counters are what the ORM's update would have made (never below 0), and carla's
    # is untouched
    counts = dict(Account.objects.values_list("username", "posts_count"))
    assert (counts["ana"], counts["bruno"], counts["carla"]) == (5, 0, 0)
    # And each shape ran from its template, not rebuilt
    assert all(template is not None for template in add._templates.values())


def test_an_update_reaching_another_table_is_left_to_the_orm() -> None:
    # Given an update whose filter joins the user table (Django selects the ids first)
    made = make_account("ana")
    bump = CompiledUpdate(
        lambda name, delta: (
            Account.objects.filter(user__username=name),
            {"posts_count": F("posts_count") + delta},
        )
    )

    # When it runs, it is not compiled but still updates
    assert bump.run("ana", 2) == 1
    assert set(bump._templates.values()) == {None}
    made.refresh_from_db()
    assert made.posts_count == 2


def test_an_update_rolls_back_with_its_transaction() -> None:
    made = make_account("ana")
    add = counter(Account, "posts_count")

    def bump_then_fail() -> None:
        with transaction.atomic():
            add.run([made.pk], 4)
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        bump_then_fail()
    made.refresh_from_db()
    assert made.posts_count == 0


@pytest.mark.postgres
def test_postgresql_prepares_an_update_once_per_shape() -> None:
    made = [make_account(f"member{n}") for n in range(2)]
    add = counter(Account, "posts_count")
    for run in range(6):
        add.run([made[run % 2].pk], 1)
    [(runs, generic)] = _prepared('"posts_count"')
    assert runs == 6
