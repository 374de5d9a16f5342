"""The single deletion path (R-DEL-1, R-DSR-4): nothing of a deleted person is left behind,
whichever way they were deleted; privacy deletions go into the erasure ledger; restoring a
backup does not bring anybody erased back (R-DEL-2)."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from apps.assignments.services import assignment_delete
from apps.audit.masking import MASK
from apps.audit.models import AccessAction
from apps.audit.services import access_log_record
from apps.privacy.hashing import IdentifierHashes
from apps.privacy.redactors import register_person_redactor, unregister_person_redactor
from apps.prospects import services
from apps.prospects.models import Person, ProspectPerson
from apps.prospects.services import DeletionReason, person_delete, persons_delete, prospect_delete
from apps.retention.models import ErasureLedgerEntry
from apps.retention.runner import run_rule
from tests import factories
from tests.conftest import World, build_world, empty_ledger_schema


@pytest.fixture
def clean_ledger() -> Iterator[None]:
    """The ledger is unmanaged and append-only: the test flush leaves it, so tests that
    commit empty it themselves (as the owner role: TRUNCATE fires no row trigger)."""
    yield
    empty_ledger_schema()


def marked_person(world: World, tag: str, *, assignment=None) -> Person:  # type: ignore[no-untyped-def]
    """A person with unmistakable values, linked to a new prospect, corrected once (so the
    change log has entries) and viewed once (so the access log has one), with a call note."""
    phone = f"+3161234{ord(tag[0]):04d}"
    # The client's own remark about them, in free text (issue 11 item 10).
    remark = (
        f"graag mailen naar ZQ.{tag}@verdwijn.example of bellen {national(phone)} na 14 uur, "
        f"vraag naar Zwaantje{tag} Quirijnsen{tag}"
    )
    prospect = factories.ProspectFactory(assignment=assignment or world.assignment, extra={"Opmerking": remark})
    person = factories.PersonFactory(
        client=prospect.assignment.client,
        company=prospect.company,
        first_name=f"Zwaantje{tag}",
        last_name=f"Quirijnsen{tag}",
        email=f"zq.{tag.lower()}@verdwijn.example",
        phone=phone,
    )
    ProspectPerson.objects.create(prospect=prospect, person=person)
    services.person_update(person=person, actor=world.users["supervisor"], job_title=f"Inkoper{tag}")
    access_log_record(actor=world.users["supervisor"], action=AccessAction.VIEW, obj=person)
    factories.CallNoteFactory(prospect=prospect, agent=world.users["agent_with_lease"], text=f"Sprak Zwaantje{tag}")
    return person


def national(phone: str) -> str:
    """+31612340076 as people write it: 06-12340076."""
    return "0" + phone[3] + "-" + phone[4:]


def values_of(person: Person) -> list[str]:
    return [
        person.first_name,
        person.last_name,
        person.email,
        person.phone,
        national(person.phone),
        person.job_title,
    ]


def pg_dump_text(*, include_notes: bool = False) -> str:
    s = connection.settings_dict
    # Free-text notes may name anybody (R-CALL-2), unless the privacy officer redacted them.
    notes = [] if include_notes else ["--exclude-table-data=callnotes_callnote"]
    return subprocess.run(  # noqa: S603
        [
            django_settings.PG_DUMP,
            "--host",
            s["HOST"],
            "--port",
            str(s["PORT"]),
            "--username",
            s["USER"],
            "--data-only",
            *notes,
            s["NAME"],
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_deleting_redacts_the_change_log_and_writes_the_ledger(world: World) -> None:
    person = world.person
    services.person_update(person=person, actor=None, first_name="Gerrit", job_title="Directeur")
    hashes = IdentifierHashes.of(
        email=person.email,
        phone=person.phone,
        first_name=person.first_name,
        last_name=person.last_name,
        company_name=person.company.name,
    )
    person_type = ContentType.objects.get_for_model(Person)
    assert LogEntry.objects.filter(content_type=person_type, object_pk=str(person.pk)).exists()

    person_delete(person=person, reason=DeletionReason.LEFT_COMPANY, actor=world.users["agent_with_lease"])

    for entry in LogEntry.objects.filter(content_type=person_type, object_pk=str(person.pk)):
        assert all(value == [MASK, MASK] for value in entry.changes.values())
        assert entry.serialized_data is None and "Gerrit" not in entry.object_repr
    ledger = ErasureLedgerEntry.objects.get(person_id=person.pk)
    assert (ledger.reason, ledger.email_hash, ledger.phone_hash, ledger.name_company_hash) == (
        "left_company",
        hashes.email,
        hashes.phone,
        hashes.name_company,
    )
    assert ledger.actor_id == world.users["agent_with_lease"].pk


def test_client_delete_writes_a_ledger_entry_and_a_second_delete_does_nothing(world: World) -> None:
    # R-DEL-2: a client's delete is ledgered too, so that a restore does not undo it.
    person = world.person
    prospect_delete(prospect=world.prospect, actor=world.users["client_same_tenant"])
    assert not Person.objects.filter(pk=person.pk).exists()
    assert ErasureLedgerEntry.objects.get(person_id=person.pk).reason == "client_delete"
    assert persons_delete(person_ids=[person.pk], reason=DeletionReason.ERASURE) == []


def test_registered_redactors_get_the_deleted_persons(world: World) -> None:
    seen = []

    def redactor(persons) -> None:  # type: ignore[no-untyped-def]
        seen.extend((p.id, p.email) for p in persons)

    register_person_redactor(redactor)
    try:
        person_delete(person=world.person, reason=DeletionReason.ERASURE)
    finally:
        unregister_person_redactor(redactor)
    assert seen == [(world.person.pk, world.person.email)]


def test_a_failing_redactor_aborts_the_deletion(world: World) -> None:
    def broken(persons) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("staging table unreachable")

    register_person_redactor(broken)
    try:
        with pytest.raises(RuntimeError):
            person_delete(person=world.person, reason=DeletionReason.ERASURE)
    finally:
        unregister_person_redactor(broken)
    assert Person.objects.filter(pk=world.person.pk).exists()
    assert not ErasureLedgerEntry.objects.filter(person_id=world.person.pk).exists()


def test_ledger_is_append_only(world: World) -> None:
    from django.db import DatabaseError, transaction

    person_delete(person=world.person, reason=DeletionReason.ERASURE)
    # Refused twice over: the runtime role holds no UPDATE on it, and the trigger refuses
    # the owner too (tests/test_db_roles.py).
    with pytest.raises(DatabaseError), transaction.atomic():
        ErasureLedgerEntry.objects.filter(person_id=world.person.pk).update(reason="x")


@pytest.mark.django_db(transaction=True)
def test_no_trace_in_a_database_dump_whichever_way_a_person_was_deleted(clean_ledger: None) -> None:
    world = build_world()
    second = factories.AssignmentFactory(client=world.acme, name="Acme second")
    left = marked_person(world, "Left")
    purged = marked_person(world, "Purged")
    client_record = marked_person(world, "Record")
    client_assignment = marked_person(world, "Assign", assignment=second)
    erased = marked_person(world, "Erased")
    gone = [left, purged, client_record, client_assignment, erased]
    kept = marked_person(world, "Kept")

    dump = pg_dump_text()
    for person in [*gone, kept]:
        assert person.email in dump and national(person.phone) in dump  # the check below can fail

    person_delete(person=left, reason=DeletionReason.LEFT_COMPANY, actor=world.users["agent_with_lease"])
    Person.objects.filter(pk=purged.pk).update(verified_at=purged.verified_at - dt.timedelta(days=400))
    run_rule("person_purge")
    prospect_delete(prospect=client_record.prospects.get(), actor=world.users["client_same_tenant"])
    assignment_delete(assignment=second, actor=world.users["client_same_tenant"])
    person_delete(person=erased, reason=DeletionReason.ERASURE, actor=world.users["privacy_officer"])

    dump = pg_dump_text().lower()
    for person in gone:
        for value in values_of(person):
            assert value.lower() not in dump, f"{value} left in the database"
    for value in values_of(kept):
        assert value.lower() in dump
    assert set(ErasureLedgerEntry.objects.values_list("reason", flat=True)) == {
        "left_company",
        "purge",
        "client_delete",
        "erasure",
    }


@pytest.mark.django_db(transaction=True)
def test_restoring_a_backup_does_not_bring_back_a_person_erased_after_it(
    clean_ledger: None,
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.BACKUP_DIR = tmp_path / "backups"
    world = build_world()
    erased, kept = marked_person(world, "Erased"), marked_person(world, "Kept")

    call_command("backup", stdout=(tmp_path / "backup.txt").open("w"))
    backups = sorted(Path(settings.BACKUP_DIR).glob("leadhunter-*.dump"))
    assert backups
    backup = backups[-1]
    person_delete(person=erased, reason=DeletionReason.ERASURE)
    assert not Person.objects.filter(pk=erased.pk).exists()

    out = tmp_path / "out.txt"
    with out.open("w") as stdout:
        call_command("restore", str(backup), stdout=stdout)

    assert "1 persons deleted again" in out.read_text()
    assert Person.objects.filter(pk=kept.pk).exists()  # the backup came back...
    assert not Person.objects.filter(pk=erased.pk).exists()  # ...without the erased person
    assert ErasureLedgerEntry.objects.filter(person_id=erased.pk).count() == 1
    assert erased.email not in pg_dump_text()


def test_backups_older_than_fourteen_days_are_pruned(tmp_path: Path) -> None:
    from apps.retention.backup import backups_prune

    now = dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC)
    names = [f"leadhunter-{(now - dt.timedelta(days=d)):%Y%m%dT%H%M%SZ}.dump" for d in (0, 13, 14, 15, 30)]
    for name in [*names, "unrelated.txt"]:
        (tmp_path / name).write_text("x")
    assert [p.name for p in backups_prune(now=now, dry_run=True, directory=tmp_path)] == [names[4], names[3]]
    assert len(list(tmp_path.iterdir())) == 6
    backups_prune(now=now, directory=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[:3], "unrelated.txt"])
