"""The two database roles (R-SEC-3, issue 15 #11).

- The **owner** role (`leadhunter_owner` by default) owns the database, its schemas, tables,
  sequences and functions. Only `migrate`, `flush`, `restore` and `db_roles` use it: they
  swap the connection to its credentials for their run (`as_owner`), taken from
  `DATABASE_OWNER_URL` (`settings.DATABASE_OWNER`).
- The **runtime** role (`leadhunter_app`), the one in `DATABASE_URL` that web, worker and
  beat use, has data rights only: SELECT/INSERT/UPDATE/DELETE on the tables, USAGE/SELECT on
  the sequences, EXECUTE on the two SECURITY DEFINER functions of the call notes. No
  TRUNCATE, no ownership — so no `ALTER TABLE … DISABLE TRIGGER`, no DROP — and on the
  append-only tables less still: the access log without DELETE, the erasure ledger's
  tables (ledger, records, suppression list) with SELECT and INSERT only.

`grant_runtime` states those rights; `migrate` runs it after every migration run (so a new
table is granted even where the default privileges were never set) and it sets the default
privileges, so that tables the owner creates later (a `restore`) are granted at once.
`ensure_roles` and `take_ownership` are the administrator's part (a superuser, or a role with
CREATEROLE): `manage.py db_roles`, `scripts/dev.py` and the test suite call them; every
statement is idempotent and safe when two checkouts run it at once on one cluster.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql

OWNER_ROLE = "leadhunter_owner"
APP_ROLE = "leadhunter_app"
# Development passwords of the roles `db_roles` creates when given none (the local cluster
# and CI trust local connections; production sets its own, see docker-compose.yml).
DEV_PASSWORDS = {OWNER_ROLE: "leadhunter-owner-dev", APP_ROLE: "leadhunter-app-dev"}  # noqa: S105

LEDGER_SCHEMA = "erasure_ledger"  # apps.retention.models.LEDGER_SCHEMA (no import: no app registry needed)
# Append-only tables: the runtime role may add rows, never delete them (their triggers refuse
# what is left: the access log lets only the IP address of an old entry be cleared).
ACCESS_LOG_TABLE = "public.audit_accesslogentry"
# The SECURITY DEFINER functions the runtime role may call (apps/callnotes/migrations/0006).
RUNTIME_FUNCTIONS = (
    "public.callnotes_delete_for_assignment(uuid)",
    "public.callnote_redact_text(uuid, text)",
)


def owner_credentials() -> dict[str, Any] | None:
    """USER, PASSWORD (and HOST, PORT when given) of the owner role, or None (one role does all)."""
    owner = getattr(settings, "DATABASE_OWNER", None)
    if not owner or not owner.get("USER"):
        return None
    return {key: value for key, value in owner.items() if key in ("USER", "PASSWORD") or value}


@contextlib.contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[Any]:
    """Run the block on the database as the owner role: the connection is closed and reopened
    with the owner's credentials, and closed again afterwards (the next query reconnects as
    the runtime role). Outside any transaction only. Without an owner URL, or when the
    connection already is the owner's, the block runs as it is."""
    connection = connections[using]
    owner = owner_credentials()
    if owner is None or connection.settings_dict.get("USER") == owner["USER"]:
        yield connection
        return
    if connection.in_atomic_block:
        raise RuntimeError("as_owner() needs a connection outside any transaction")
    saved = {key: connection.settings_dict.get(key) for key in owner}
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def runtime_role(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The runtime role's name (DATABASE_URL's user), or None when it is the owner itself."""
    owner = owner_credentials()
    user = connections[using].settings_dict.get("USER")
    if owner is None or not user or user == owner["USER"]:
        return None
    return str(user)


def _exec(cursor: Any, statement: sql.Composable | str, params: list[Any] | None = None) -> None:
    # psycopg composes identifiers safely; Django's cursor wants a str.
    if isinstance(statement, sql.Composable):
        statement = statement.as_string(cursor.connection)
    cursor.execute(statement, params)


def _schema_exists(cursor: Any, schema: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
    return cursor.fetchone() is not None


def grant_runtime(cursor: Any, *, owner: str, app: str) -> None:
    """The runtime role's rights on everything the owner has created (idempotent). Run as
    the owner (or a superuser)."""
    o, a = sql.Identifier(owner), sql.Identifier(app)
    statements = [
        # Nobody but the owner creates objects in the schema (PostgreSQL 15's default, said again).
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(a),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(a),
        sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}").format(a),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(a),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(o, a),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
            o, a
        ),
    ]
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [ACCESS_LOG_TABLE])
    if cursor.fetchone()[0]:
        statements.append(sql.SQL("REVOKE DELETE ON {} FROM {}").format(sql.SQL(ACCESS_LOG_TABLE), a))
    for function in RUNTIME_FUNCTIONS:
        cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [function])
        if cursor.fetchone()[0]:
            statements += [
                sql.SQL("REVOKE EXECUTE ON FUNCTION {} FROM PUBLIC").format(sql.SQL(function)),
                sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(sql.SQL(function), a),
            ]
    if _schema_exists(cursor, LEDGER_SCHEMA):
        s = sql.Identifier(LEDGER_SCHEMA)
        statements += [
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, a),
            sql.SQL("GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {} TO {}").format(s, a),
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {} FROM {}").format(
                s, a
            ),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, a),
            sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT, INSERT ON TABLES TO {}").format(
                o, s, a
            ),
            sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
                o, s, a
            ),
        ]
    for statement in statements:
        _exec(cursor, statement)


def ensure_roles(
    cursor: Any, *, owner: str, app: str, passwords: dict[str, str] | None = None, owner_createdb: bool = False
) -> None:
    """Create both login roles if missing (neither superuser nor CREATEROLE; the owner with
    CREATEDB only when asked: development and tests create their databases as the owner).
    Existing roles are left as they are, other than the owner's CREATEDB when asked. Two
    checkouts may run this at once on one cluster: a concurrent creation is not an error."""
    if owner == app:
        raise ValueError("the owner and the runtime role must differ")
    passwords = passwords or {}
    for role, extra in ((owner, "CREATEDB" if owner_createdb else "NOCREATEDB"), (app, "NOCREATEDB")):
        password = passwords.get(role)
        create = sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEROLE {} {}").format(
            sql.Identifier(role),
            sql.SQL(extra),
            sql.SQL("PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL(""),
        )
        body = sql.SQL(
            "DO $roles$ BEGIN "
            "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN {create}; END IF; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; "
            "END $roles$"
        ).format(name=sql.Literal(role), create=create)
        _exec(cursor, body)
    # The owner of a database holds the public schema through pg_database_owner: it inherits.
    createdb = sql.SQL(" CREATEDB" if owner_createdb else "")
    _exec(cursor, sql.SQL("ALTER ROLE {} INHERIT{}").format(sql.Identifier(owner), createdb))


def take_ownership(cursor: Any, *, owner: str, database: str) -> None:
    """Make the owner role own the database and everything of ours in it (a database made
    before the roles existed: tables of `postgres`). Run as a superuser."""
    o = sql.Identifier(owner)
    _exec(cursor, sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database), o))
    _exec(cursor, sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(o))
    schemas = ["public"] + ([LEDGER_SCHEMA] if _schema_exists(cursor, LEDGER_SCHEMA) else [])
    if LEDGER_SCHEMA in schemas:
        _exec(cursor, sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(sql.Identifier(LEDGER_SCHEMA), o))
    # Tables, views and stand-alone sequences (a serial's sequence follows its table).
    cursor.execute(
        """
        SELECT c.oid::regclass::text, c.relkind
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
           AND pg_get_userbyid(c.relowner) <> %s
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                           AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
         ORDER BY c.relkind = 'S'
        """,
        [schemas, owner],
    )
    for name, kind in cursor.fetchall():
        keyword = {"v": "VIEW", "m": "MATERIALIZED VIEW", "f": "FOREIGN TABLE", "S": "SEQUENCE"}.get(kind, "TABLE")
        _exec(cursor, sql.SQL("ALTER {} {} OWNER TO {}").format(sql.SQL(keyword), sql.SQL(name), o))
    cursor.execute(
        """
        SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = ANY(%s) AND pg_get_userbyid(p.proowner) <> %s
        """,
        [schemas, owner],
    )
    for (function,) in cursor.fetchall():
        _exec(cursor, sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(function), o))
