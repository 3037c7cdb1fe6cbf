"""Querysets compiled once per process, run many times with new values.

Building and compiling a large queryset (the visibility rules are a dozen EXISTS subqueries)
costs several times what PostgreSQL needs to run it. A hot path that runs the same query
shape on every request can wrap the function that builds it:

    stamps = CompiledQuery(lambda viewer_id, ids: posts_for(viewer_id, ids).values_list(...))
    rows = stamps.rows(viewer.pk, [3, 5, 8])

The first call for a shape (the vendor, and the length of each list) builds the queryset with
marks in place of the values (numbers and strings no row holds), compiles it, and records
which SQL parameters are which marks; later calls put the values in their places and run the
SQL as it is, converting the values as the queryset would (`values_list` rows). The query is
the one the function builds (on the default database, Hearth's only one), so the rules it
encodes stay where they are written. When a mark cannot be found among the parameters (the
function transformed a value), that shape falls back to building the queryset every time.
Aware datetimes are values too (marked by instants in the year 1): PostgreSQL's backend passes
them to psycopg as they are, while SQLite's turns them into text, so there a query taking one
is built every time.

`CompiledUpdate` does the same for an UPDATE (`queryset.update(**changes)`), and `counter`
makes the one hot writes share: a counter column moved by a delta, never below 0
(`_POSTS_COUNT.run([author_id], 1)`). The ORM's UPDATE for one counter cost 0.37 ms of CPU to
build and send; compiled, 0.10.

On PostgreSQL the SQL is also a prepared statement, so the database skips planning it too. The
home timeline's visibility query takes about 2 ms to plan and 0.3 ms to run; prepared,
PostgreSQL plans it for the values for five runs and then settles on a generic plan (planning:
0.01 ms) when that costs no more (`plan_cache_mode`). Only these queries are prepared: their text is
constant, while Django's other queries bind on the client (its default), and psycopg prepares
nothing unless the connection has a `prepare_threshold` (config.settings sets one; None turns
this off, e.g. behind a pooler that cannot keep prepared statements). psycopg keeps the
statements per connection: a new connection from the pool prepares them again, and a rollback
or DEALLOCATE makes psycopg forget and re-prepare them.

Prepared runs also skip psycopg's parsing of the SQL: the template keeps it with PostgreSQL's
own `$1` placeholders as well, and a raw cursor sends it as it is. psycopg would otherwise
split the text at every `%s` on every run (it caches that only for statements shorter than
4,096 characters with at most 50 parameters; the token and stamps queries are longer), which
cost more than a third of a millisecond per home timeline.
"""

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, NamedTuple, Self, TypeVar, cast

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import F, Field, Model, QuerySet
from django.db.models.functions import Greatest
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery, UpdateQuery
from psycopg.abc import Params

Value = int | str | datetime | Sequence[int]
M = TypeVar("M", bound=Model)
_BASE = -(2**62)
_SPAN = 2**20
_DATETIME_BASE = datetime(1, 1, 1, tzinfo=UTC)
_KEEP, _SCALAR, _ITEM = range(3)
#: Shapes kept per query; past this, new shapes are built every time.
MAX_SHAPES = 256

Slot = tuple[int, Any]
Converter = tuple[int, list[Callable[..., Any]], Any]


class _Template(NamedTuple):
    sql: str  # Django's, with %s placeholders
    raw_sql: str  # the same with $1, $2... and the constants in place: what a prepared run sends
    slots: list[Slot]  # sql's parameters
    raw_slots: list[Slot]  # raw_sql's
    converters: list[Converter]


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet[Any, tuple[Any, ...]]]) -> None:
        self.build = build
        self._templates: dict[tuple[Any, ...], _Template | None] = {}

    def rows(self, *values: Value) -> list[tuple[Any, ...]]:
        """The rows `build(*values)` would return: tuples, as from `values_list`."""
        connection = connections[DEFAULT_DB_ALIAS]
        key = (connection.vendor, _shape(values))
        if key not in self._templates and len(self._templates) < MAX_SHAPES:
            self._templates[key] = _compile(self.build(*_marks(values)), values)
        template = self._templates.get(key)
        if template is None:
            return list(self.build(*values))
        cursor, raw = _cursor(connection)
        params = [_value(slot, values) for slot in (template.raw_slots if raw else template.slots)]
        with cursor:
            cursor.execute(template.raw_sql if raw else template.sql, params)
            rows = cursor.fetchall()
        converters = template.converters
        if not converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            cells = list(row)
            for position, functions, expression in converters:
                for function in functions:
                    cells[position] = function(cells[position], expression, connection)
            converted.append(tuple(cells))
        return converted


def _shape(values: Sequence[Value]) -> tuple[tuple[str, int | None], ...]:
    return tuple(
        ("s", None) if isinstance(value, str) else ("i", None) if isinstance(value, int)
        else ("d", None) if isinstance(value, datetime) else ("l", len(value))
        for value in values
    )  # fmt: skip


Changes = tuple[QuerySet[Any], dict[str, Any]]


class CompiledUpdate:
    """An UPDATE compiled once per shape, as CompiledQuery compiles a SELECT: `build(*values)`
    returns a queryset and the changes `queryset.update(**changes)` would make, and
    `run(*values)` makes them (returning the rows changed). For the counters hot writes bump
    (a post's author's, a liked post's): building and compiling the ORM's UPDATE cost three
    times what sending it does. An update reaching other tables falls back to the ORM."""

    def __init__(self, build: Callable[..., Changes]) -> None:
        self.build = build
        self._templates: dict[tuple[Any, ...], _Template | None] = {}

    def run(self, *values: Value) -> int:
        connection = connections[DEFAULT_DB_ALIAS]
        key = (connection.vendor, _shape(values))
        if key not in self._templates and len(self._templates) < MAX_SHAPES:
            self._templates[key] = _compile_update(*self.build(*_marks(values)), values)
        template = self._templates.get(key)
        if template is None:
            queryset, changes = self.build(*values)
            return int(queryset.update(**changes))
        cursor, raw = _cursor(connection)
        params = [_value(slot, values) for slot in (template.raw_slots if raw else template.slots)]
        with transaction.mark_for_rollback_on_error(using=DEFAULT_DB_ALIAS), cursor:
            cursor.execute(template.raw_sql if raw else template.sql, params)
            return int(cursor.rowcount)


def counter(model: type[Model], field: str) -> CompiledUpdate:
    """A counter column's update: `run(ids, delta)` adds `delta` to `field` of those rows in
    SQL (concurrent changes add up), never below 0 (a drifted counter stays sane)."""

    def build(ids: list[int], delta: int) -> Changes:
        return model._default_manager.filter(pk__in=ids), {field: Greatest(F(field) + delta, 0)}

    return CompiledUpdate(build)


def _compile_update(
    queryset: QuerySet[Any], changes: dict[str, Any], values: Sequence[Value]
) -> _Template | None:
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
    query.add_update_values(changes)
    query.annotations = {}
    query.get_initial_alias()
    if query.related_updates or query.count_active_tables() != 1:
        return None  # Django selects the ids first, or updates several tables
    try:
        sql, params = query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
    except EmptyResultSet:
        return None
    return _template(sql, params, values, []) if sql else None


class _Insert(NamedTuple):
    sql: str
    raw_sql: str
    fields: "list[Field[Any, Any]]"  # the columns given, in the SQL's order
    returning: "list[Field[Any, Any]]"  # what the database hands back (an automatic id)


class CompiledInsert(Generic[M]):
    """`model.objects.create(**fields)` with the INSERT compiled once per process (per set of
    columns): the instance is made and saved as Django would (defaults, `auto_now_add`, the
    database's id read back), but the statement is sent as it is, prepared on PostgreSQL.
    Building it through the ORM cost a post and its outbox row ~0.45 ms of CPU; compiled, a
    third of that. Models with pre_save or post_save receivers, and values that are SQL
    expressions, go through the ORM's own save."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._templates: dict[tuple[str, bool], _Insert | None] = {}

    def create(self, **values: Any) -> M:
        instance = self.model(**values)
        if pre_save.has_listeners(self.model) or post_save.has_listeners(self.model):
            instance.save(force_insert=True)
            return instance
        connection = connections[DEFAULT_DB_ALIAS]
        key = (connection.vendor, instance.pk is not None)
        if key not in self._templates:
            self._templates[key] = _compile_insert(instance, connection)
        template = self._templates[key]
        row = _insert_values(instance, template, connection) if template is not None else None
        if template is None or row is None:
            instance.save(force_insert=True)
            return instance
        cursor, raw = _cursor(connection)
        with transaction.mark_for_rollback_on_error(using=DEFAULT_DB_ALIAS), cursor:
            cursor.execute(template.raw_sql if raw else template.sql, row)
            returned = cursor.fetchone() if template.returning else ()
        for field, value in zip(template.returning, returned or (), strict=True):
            setattr(instance, field.attname, value)
        instance._state.adding = False
        instance._state.db = DEFAULT_DB_ALIAS
        return instance


def _insert_values(
    instance: Model, template: _Insert, connection: BaseDatabaseWrapper
) -> list[Any] | None:
    """The INSERT's parameters for `instance`, as Django's compiler makes them (each field's
    pre_save, then its database value), or None when one is an SQL expression."""
    row = []
    for field in template.fields:
        value = field.pre_save(instance, add=True)
        if hasattr(value, "resolve_expression"):
            return None
        row.append(field.get_db_prep_save(value, connection=connection))
    return row


def _compile_insert(instance: Model, connection: BaseDatabaseWrapper) -> _Insert | None:
    """The INSERT Django would send to save `instance` (a probe: nothing runs), checked to
    take exactly the values `_insert_values` computes; None if it doesn't, or if the backend
    can't read the new row's columns back."""
    meta = instance._meta
    pk_set = instance.pk is not None
    fields = [
        field
        for field in meta.local_concrete_fields
        if not field.generated and (pk_set or field is not meta.auto_field)
    ]
    returning = list(meta.db_returning_fields)
    if returning and not connection.features.can_return_columns_from_insert:
        return None
    query = InsertQuery(instance.__class__)
    query.insert_values(fields, [instance], raw=True)
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    compiler.returning_fields = returning
    statements = compiler.as_sql()
    columns = [field.get_col(meta.db_table) for field in returning]
    if len(statements) != 1 or compiler.get_converters(columns):
        return None
    sql, params = statements[0]
    expected = [
        field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields
    ]
    if list(params) != expected or sql.count("%s") != len(fields):
        return None
    slots: list[Slot] = [(_SCALAR, position) for position in range(len(fields))]
    raw_sql, logged_sql, _ = _numbered(sql, slots)
    _LOGGED_AS[raw_sql] = logged_sql
    return _Insert(sql, raw_sql, fields, returning)


class _PreparingCursor(psycopg.RawCursor[Any]):
    """A psycopg cursor that prepares what it runs, given SQL with `$1` placeholders."""

    def execute(
        self,
        query: Any,  # as psycopg's: Query, or a Template without params
        params: Params | None = None,
        *,
        prepare: bool | None = None,
        binary: bool | None = None,
    ) -> Self:
        return super().execute(query, params, prepare=True, binary=binary)


def _cursor(connection: BaseDatabaseWrapper) -> tuple[CursorWrapper, bool]:
    """A cursor for a template's SQL, and whether it takes the raw (`$1`) SQL: Django's own
    cursor (%s), or on PostgreSQL with preparing on, a preparing raw one in Django's wrapper
    (so query counts, the debug log and error translation still see it)."""
    if connection.vendor != "postgresql":
        return connection.cursor(), False
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        return connection.cursor(), False
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return _PreparedDebugCursor(cursor, connection), True
    return CursorWrapper(cursor, connection), True


#: The %s form of each raw SQL text, for the debug log (its values are put in with psycopg's
#: client-side quoting, which reads %s placeholders).
_LOGGED_AS: dict[str, str] = {}


class _PreparedDebugCursor(CursorDebugWrapper):
    """Logs the SQL with the values in place, as Django's own cursors do: psycopg keeps no text
    of a prepared statement's run for Django to log (it would log None)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(self.db.ops.compose_sql(_LOGGED_AS.get(sql, sql), params)):
            return super(CursorDebugWrapper, self).execute(sql, params)


_PLACEHOLDER = re.compile(r"%[%s]")


def _numbered(sql: str, slots: Sequence[Slot]) -> tuple[str, str, list[Slot]]:
    """Django's SQL for psycopg (%s placeholders, a literal % doubled) with PostgreSQL's
    numbered placeholders instead, what the server parses when the client doesn't, and the
    slots of those placeholders. The query's own constants (a number, a flag, a word such as
    the outbox's state 'pending') are written in as literals: PostgreSQL's generic plan of a
    prepared statement knows nothing of its parameters' values, so with `state = $1` it can't
    use a partial index on `state = 'pending'` and plans the query anew on every run.
    Also returns the same text with %s placeholders, for the debug log."""
    kept: list[Slot] = []
    literals = [_literal(where) if kind == _KEEP else None for kind, where in slots]
    pieces = _PLACEHOLDER.split(sql)
    raw, logged = [pieces[0]], [pieces[0]]
    position = 0
    for found, piece in zip(_PLACEHOLDER.findall(sql), pieces[1:], strict=True):
        if found == "%%":
            raw.append("%")
            logged.append("%%")
        elif (literal := literals[position]) is not None:
            raw.append(literal)
            logged.append(literal.replace("%", "%%"))
            position += 1
        else:
            kept.append(slots[position])
            raw.append(f"${len(kept)}")
            logged.append("%s")
            position += 1
        raw.append(piece)
        logged.append(piece)
    return "".join(raw), "".join(logged), kept


def _literal(value: Any) -> str | None:
    """`value` as an SQL literal, for the plain constants a query builds in; None for others."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and -(2**31) < value < 2**31:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isprintable() and "\\" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _value(slot: Slot, values: Sequence[Value]) -> Any:
    kind, where = slot
    if kind == _KEEP:
        return where
    if kind == _SCALAR:
        return values[where]
    arg, item = where
    return values[arg][item]


def _mark_int(arg: int, item: int = -1) -> int:
    return _BASE - arg * _SPAN - 1 - item


def _mark_str(arg: int) -> str:
    return f"\x1fhearth-compiled-mark-{arg}\x1f"


def _mark_datetime(arg: int) -> datetime:
    return _DATETIME_BASE + timedelta(seconds=arg)


def _marks(values: Sequence[Value]) -> list[Value]:
    marks: list[Value] = []
    for arg, value in enumerate(values):
        if isinstance(value, str):
            marks.append(_mark_str(arg))
        elif isinstance(value, int):
            marks.append(_mark_int(arg))
        elif isinstance(value, datetime):
            marks.append(_mark_datetime(arg))
        else:
            marks.append([_mark_int(arg, item) for item in range(len(value))])
    return marks


def _compile(probe: QuerySet[Any, tuple[Any, ...]], values: Sequence[Value]) -> _Template | None:
    """The template for `probe` (built from the marks), or None if a mark is missing."""
    compiler = probe.query.get_compiler(using=DEFAULT_DB_ALIAS)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # e.g. `pk__in=[]`: the queryset itself knows to answer nothing
        return None
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = [
        (position, functions, expression)
        for position, (functions, expression) in compiler.get_converters(columns).items()
    ]
    return _template(sql, params, values, converters)


def _template(
    sql: str, params: Sequence[Any], values: Sequence[Value], converters: list[Converter]
) -> _Template | None:
    """The template of Django's `sql` and `params` compiled from the marks of `values`, or
    None if a mark is missing among the parameters (the build transformed a value)."""
    where: dict[Any, Slot] = {}
    for arg, value in enumerate(values):
        if isinstance(value, str):
            where[_mark_str(arg)] = (_SCALAR, arg)
        elif isinstance(value, int):
            where[_mark_int(arg)] = (_SCALAR, arg)
        elif isinstance(value, datetime):
            where[_mark_datetime(arg)] = (_SCALAR, arg)
        else:
            for item in range(len(value)):
                where[_mark_int(arg, item)] = (_ITEM, (arg, item))
    slots: list[Slot] = []
    for param in params:
        found = where.get(param) if isinstance(param, (int, str, datetime)) else None
        slots.append(found if found is not None else (_KEEP, param))
    if {slot for slot in slots if slot[0] != _KEEP} != set(where.values()):
        return None
    raw_sql, logged_sql, raw_slots = _numbered(sql, slots)
    _LOGGED_AS[raw_sql] = logged_sql
    return _Template(sql, raw_sql, slots, raw_slots, converters)


# --- Model instances from a row of several models' columns ---------------------------------


def model_columns(model: type[Model], prefix: str = "") -> tuple[str, ...]:
    """Every concrete column of `model` as `values_list` names it from a queryset whose rows
    reach the model through `prefix` (e.g. "user__account__")."""
    return tuple(f"{prefix}{field.attname}" for field in model._meta.concrete_fields)


def load_instances(row: Sequence[Any], models: Sequence[type[Model]]) -> list[Model | None]:
    """Instances of `models` from a row holding all of each one's columns in turn (as
    `model_columns` lists them), as a queryset with select_related would load them; None
    for a model whose primary key is null (an outer join found no row)."""
    loaded: list[Model | None] = []
    start = 0
    for model in models:
        attnames = [field.attname for field in model._meta.concrete_fields]
        values = row[start : start + len(attnames)]
        start += len(attnames)
        pk_value = values[attnames.index(model._meta.pk.attname)]
        loaded.append(
            None if pk_value is None else model.from_db(DEFAULT_DB_ALIAS, attnames, values)
        )
    return loaded
