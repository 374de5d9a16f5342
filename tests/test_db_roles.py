"""R-SEC-3 (issue 15 #11): migrations run as the owner role, the application as a role with
data rights only. The suite itself runs as that runtime role (tests/conftest.py), so these
tests try, on the application's own connection, what an attacker holding it would try."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.assignments.services import assignment_delete
from apps.audit.models import AccessLogEntry
from apps.callnotes.models import REDACTION_MARKER, CallNote, NoteRedaction
from apps.core import dbroles
from apps.retention.ledger import ledger_write
from apps.retention.models import LEDGER_SCHEMA, LedgerAction
from tests.conftest import World

NOTES = CallNote._meta.db_table
ACCESS_LOG = AccessLogEntry._meta.db_table


def refused(statement: str, params: list | None = None) -> str:
    """Run one statement on the application's connection in a savepoint; return the error."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(caught.value)


def test_the_application_runs_as_a_role_that_owns_nothing(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles"
            " WHERE rolname = current_user"
        )
        user, superuser, createrole, createdb, bypassrls = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname IN ('public', %s) AND pg_get_userbyid(c.relowner) = current_user",
            [LEDGER_SCHEMA],
        )
        owned = cursor.fetchone()[0]
        cursor.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass", [NOTES])
        notes_owner = cursor.fetchone()[0]
    assert user == dbroles.runtime_role()
    assert not (superuser or createrole or createdb or bypassrls)
    assert owned == 0
    assert notes_owner == dbroles.owner_credentials()["USER"] != user


def test_the_runtime_role_cannot_disable_a_trigger_or_drop_a_table(world: World) -> None:
    assert "must be owner" in refused(f"ALTER TABLE {NOTES} DISABLE TRIGGER callnote_immutable")
    assert "must be owner" in refused(f"ALTER TABLE {ACCESS_LOG} DISABLE TRIGGER ALL")
    assert "must be owner" in refused(f"ALTER TABLE {LEDGER_SCHEMA}.record DISABLE TRIGGER append_only")
    assert "must be owner" in refused(f"DROP TRIGGER callnote_immutable ON {NOTES}")
    assert "permission denied for schema public" in refused(
        "CREATE OR REPLACE FUNCTION callnote_immutable() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$"
    )
    assert "must be owner" in refused(f"DROP TABLE {ACCESS_LOG}")
    assert "permission denied" in refused("SET session_replication_role = replica")
    assert CallNote.objects.filter(pk=world.note.pk).exists()


def test_the_runtime_role_cannot_truncate_or_delete_the_logs(world: World) -> None:
    for table in (ACCESS_LOG, NOTES, f"{LEDGER_SCHEMA}.record", f"{LEDGER_SCHEMA}.suppression", "prospects_person"):
        assert "permission denied" in refused(f"TRUNCATE {table} CASCADE")
    assert "permission denied" in refused(f"DELETE FROM {ACCESS_LOG}")  # noqa: S608
    assert "permission denied" in refused(f"DELETE FROM {LEDGER_SCHEMA}.record")  # noqa: S608
    assert "permission denied" in refused(f"UPDATE {LEDGER_SCHEMA}.suppression SET reason = 'x'")  # noqa: S608
    assert AccessLogEntry.objects.filter(pk=world.access_log_entry.pk).exists()


def test_the_setting_no_longer_opens_the_notes(world: World) -> None:
    """The old escape: any session could announce an assignment or a note by a setting."""
    note = world.note
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('leadhunter.deleting_assignment', %s, true)", [str(note.assignment_id)])
        cursor.execute(f"DELETE FROM {NOTES} WHERE id = %s", [note.pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        # Everything the redaction needs but the owner's function: the row, at this transaction's time.
        cursor.execute(
            "INSERT INTO callnotes_noteredaction (note_id, redacted_at, places) VALUES (%s, now(), 1)", [note.pk]
        )
        cursor.execute("SELECT set_config('leadhunter.redacting_note', %s, true)", [str(note.pk)])
        cursor.execute(f"UPDATE {NOTES} SET text = %s WHERE id = %s", [REDACTION_MARKER, note.pk])  # noqa: S608
    note.refresh_from_db()
    assert REDACTION_MARKER not in note.text


def test_the_delete_function_serves_a_recorded_assignment_deletion_only(world: World) -> None:
    note, other_note = world.note, world.other_note
    # Without the ledger record of the assignment's deletion: refused, nothing deleted.
    error = refused("SELECT callnotes_delete_for_assignment(%s)", [note.assignment_id])
    assert "deleted only with their assignment" in error
    # A ledger record of another assignment does not open this one.
    with transaction.atomic():
        ledger_write(
            model=type(world.other_assignment), object_ids=[world.other_assignment.pk], action=LedgerAction.BLANK
        )
        assert "deleted only" in refused("SELECT callnotes_delete_for_assignment(%s)", [note.assignment_id])
        transaction.set_rollback(True)
    assert CallNote.objects.filter(pk=note.pk).exists()
    # Through the service: the ledger record, then the function; the other tenant's note stays.
    assignment_delete(assignment=world.assignment, actor=world.users["administrator"])
    assert not CallNote.objects.filter(assignment_id=note.assignment_id).exists()
    assert CallNote.objects.filter(pk=other_note.pk).exists()


def test_the_redaction_function_needs_its_row_in_this_transaction(world: World) -> None:
    note = world.note
    text = f"{REDACTION_MARKER} gebeld"
    assert "redacted only with its redaction row" in refused("SELECT callnote_redact_text(%s, %s)", [note.pk, text])
    with transaction.atomic():  # a row of an earlier transaction does not count
        NoteRedaction.objects.create(note=note, redacted_at=timezone.now() - timezone.timedelta(minutes=1), places=1)
        assert "redaction row" in refused("SELECT callnote_redact_text(%s, %s)", [note.pk, text])
        transaction.set_rollback(True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO callnotes_noteredaction (note_id, redacted_at, places) VALUES (%s, now(), 1)", [note.pk]
        )
        assert "redaction row" in refused("SELECT callnote_redact_text(%s, %s)", [note.pk, "zonder markering"])
        cursor.execute("SELECT callnote_redact_text(%s, %s)", [note.pk, text])
        note.refresh_from_db()
        assert note.text == text
        transaction.set_rollback(True)


def test_only_the_runtime_role_may_call_the_functions(db: None) -> None:
    with connection.cursor() as cursor:
        for function in dbroles.RUNTIME_FUNCTIONS:
            cursor.execute(
                "SELECT has_function_privilege('public', %s, 'EXECUTE'), has_function_privilege(%s, 'EXECUTE'),"
                " p.prosecdef, p.proconfig, pg_get_userbyid(p.proowner)"
                " FROM pg_proc p WHERE p.oid = %s::regprocedure",
                [function, function, function],
            )
            public, runtime, definer, config, owner = cursor.fetchone()
            assert (public, runtime, definer) == (False, True, True), function
            assert config == ["search_path=pg_catalog, pg_temp"], function
            assert owner == dbroles.owner_credentials()["USER"]


@pytest.mark.django_db(transaction=True)
def test_new_tables_of_the_owner_are_granted_by_default() -> None:
    """A later migration's table: the default privileges grant data rights, never TRUNCATE."""
    with dbroles.as_owner(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE zz_later_migration (id serial PRIMARY KEY)")
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO zz_later_migration DEFAULT VALUES")
            cursor.execute("SELECT count(*) FROM zz_later_migration")
            assert cursor.fetchone()[0] == 1
        assert "permission denied" in refused("TRUNCATE zz_later_migration")
    finally:
        with dbroles.as_owner(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE zz_later_migration")


@pytest.mark.django_db(transaction=True)
def test_the_triggers_still_hold_for_the_owner() -> None:
    """Defence in depth: the append-only and immutability triggers refuse the owner role too
    (it could disable them, but no code of ours does)."""
    from tests.conftest import build_world

    world = build_world()
    with dbroles.as_owner(), connection.cursor() as cursor:
        for statement, params in (
            (f"DELETE FROM {ACCESS_LOG} WHERE id = %s", [world.access_log_entry.pk]),  # noqa: S608
            (f"UPDATE {NOTES} SET text = 'x' WHERE id = %s", [world.note.pk]),  # noqa: S608
            (f"DELETE FROM {NOTES} WHERE id = %s", [world.note.pk]),  # noqa: S608
        ):
            with pytest.raises(DatabaseError, match="R-LOG-1|R-NOTE-3"), transaction.atomic():
                cursor.execute(statement, params)
