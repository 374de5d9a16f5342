"""Statements on the agent's hot path, parsed and planned once per connection (issue 16 #2).

Django binds parameters on the client (psycopg's ClientCursor), so PostgreSQL parses and
plans every statement it receives anew: for "next" that planning (the queue's three-tier
lease statement alone takes ~3 ms to plan, the screen's reads ~2 ms more) cost more than
running the statements. `prepared_cursor()` gives a cursor that binds on the server and
prepares each statement on its first use on the connection; later uses skip parsing and
planning. Everything else keeps Django's ordinary cursors: a ClientCursor never prepares,
and the connection's `prepare_threshold` (settings.DATABASES OPTIONS: 2^31−1 runs, that is
never; None, Django's default, would refuse even an explicit request) is set so high that
psycopg prepares nothing on its own.

The cursor is wrapped as Django wraps its own (`BaseDatabaseWrapper._cursor`): queries are
logged (assertNumQueries, CaptureQueriesContext) with their values, execute wrappers run
(the outage middleware's), and database errors become Django's. Besides the hot path, the
access log's INSERT (every page that shows personal data) runs prepared too. Statements
written for it list their columns (`columns`), never `*`, so that a column added by a
migration does not break a plan cached by a connection opened before it.

Prepared statements live in the PostgreSQL session: a connection pooler in front of the
database must keep one server connection per client connection (PgBouncer's session
mode, or `max_prepared_statements` in transaction mode).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
from django.db.models import Model


class _PreparingCursor(ServerBindingCursor):
    """Django's server-binding cursor that prepares every statement it runs."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None):  # type: ignore[override]
        return super().execute(query, params, prepare=True, binary=binary)


@contextlib.contextmanager
def prepared_cursor(using: str = DEFAULT_DB_ALIAS) -> Iterator[Any]:
    """A cursor whose statements are prepared on the connection (see the module's text).
    Parameters are `%s` or `%(name)s`, as with Django's cursors, and every one must have a
    type PostgreSQL can tell from its place in the statement (or a cast)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        with connection.cursor() as cursor:  # preparing switched off: Django's own cursor
            yield cursor
        return
    # As Django's connection.cursor() does (`BaseDatabaseWrapper._cursor`), with our cursor.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _PreparingCursor(connection.connection)
    connection.validate_thread_sharing()
    wrapped = _LoggedCursor(raw, connection) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        yield cursor


class _LoggedCursor(CursorDebugWrapper):
    """Django's query log for a prepared cursor: the statement with its values, as Django
    logs its own (its `last_executed_query` has no text for a server-bound statement)."""

    @contextlib.contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):  # type: ignore[no-untyped-def]
        if use_last_executed_query and not many and params is not None:
            with contextlib.suppress(Exception):  # a log line only: the statement as written will do
                sql = self.db.ops.compose_sql(sql, params)
        with super().debug_sql(sql, params, use_last_executed_query=False, many=many):
            yield


def columns(*aliased: tuple[str, type[Model]]) -> str:
    """The concrete columns of each (alias, model), in `from_row`'s order."""
    return ", ".join(f'{alias}."{field.column}"' for alias, model in aliased for field in model._meta.concrete_fields)


def from_row(models: Sequence[type[Model]], row: Sequence[Any], using: str = DEFAULT_DB_ALIAS) -> list[Model | None]:
    """Model instances from one row holding each model's concrete columns in turn (as
    `columns` lists them), with the fields' own conversions (JSON) as the ORM applies them.
    A model whose primary key is NULL (the empty side of a LEFT JOIN) comes back as None."""
    connection = connections[using]
    out: list[Model | None] = []
    i = 0
    for model in models:
        fields = model._meta.concrete_fields
        values = []
        for field in fields:
            value = row[i]
            if value is not None and hasattr(field, "from_db_value"):
                value = field.from_db_value(value, None, connection)
            values.append(value)
            i += 1
        pk_index = fields.index(model._meta.pk)
        out.append(None if values[pk_index] is None else model.from_db(using, [f.attname for f in fields], values))
    return out


def from_json(
    models: Sequence[type[Model]], values: Sequence[Any], using: str = DEFAULT_DB_ALIAS
) -> list[Model | None]:
    """`from_row` for a row the database gave as a JSON array (`json_build_array` of
    `columns`): each value through its field's `to_python`, which makes the UUIDs, times and
    dates JSON carries as text into what the ORM would have given."""
    out: list[Model | None] = []
    i = 0
    for model in models:
        fields = model._meta.concrete_fields
        mine = values[i : i + len(fields)]
        converted = [None if v is None else field.to_python(v) for field, v in zip(fields, mine, strict=True)]
        i += len(fields)
        pk_index = fields.index(model._meta.pk)
        names = [f.attname for f in fields]
        out.append(None if converted[pk_index] is None else model.from_db(using, names, converted))
    return out
