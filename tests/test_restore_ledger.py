"""A restore brings nothing deleted back (R-DEL-2, issue 11 item 6): every kind of deletion
and blanking is in the erasure ledger, which the backup leaves out and `restore` replays;
the suppression list lives beside it, so entries written after the backup survive; backup
files are readable by their owner only."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.assignments.services import assignment_delete
from apps.audit.registry import AUDITED
from apps.callnotes.models import REDACTION_MARKER
from apps.clients.models import ClientContact
from apps.clients.services import client_contacts_delete
from apps.hr import services as hr_services
from apps.hr.models import Applicant, ApplicantStatus, Employee
from apps.privacy.erasure import request_erase
from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestRecord, RequestStatus, SuppressionEntry
from apps.privacy.selectors import is_suppressed
from apps.privacy.services import requests_expire_unconfirmed
from apps.prospects.models import Person, Prospect, ProspectPerson
from apps.prospects.services import prospect_delete
from apps.retention.backup import backup_create, backup_dir
from apps.retention.ledger import LEDGERED, PERSONAL_DATA, ledger_write
from apps.retention.models import LEDGER_SCHEMA, ErasureLedgerEntry, LedgerAction, LedgerRecord
from tests import factories
from tests.conftest import World, build_world
from tests.test_person_delete import marked_person, pg_dump_text

FIRST, LAST, EMAIL, PHONE = "Rozemarijn", "Terugkeerders", "rozemarijn@terug.example", "+31612399881"


def _restore(backup: Path, tmp_path: Path) -> str:
    out = tmp_path / "restore.txt"
    with out.open("w") as stdout:
        call_command("restore", str(backup), stdout=stdout)
    return out.read_text()


def _erasure_request(world: World) -> tuple[DataSubjectRequest, Person, ClientContact]:
    """An open erasure request whose requester is a contact person of Acme and a client
    contact of Globex, both linked by the officer, with a call note naming them."""
    prospect = factories.ProspectFactory(assignment=world.assignment)
    person = factories.PersonFactory(
        client=prospect.assignment.client,
        company=prospect.company,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        phone=PHONE,
    )
    ProspectPerson.objects.create(prospect=prospect, person=person)
    contact = factories.ClientContactFactory(
        client=world.globex, first_name=FIRST, last_name=LAST, email="r.terug@globex-klant.example"
    )
    dsr = factories.DataSubjectRequestFactory(
        confirmed=True,
        kind=RequestKind.ERASURE,
        name=f"{FIRST} {LAST}",
        email=EMAIL,
        phone=PHONE,
        message=f"Verwijder {FIRST} {LAST}",
    )
    now = timezone.now()
    RequestRecord.objects.create(request=dsr, person=person, linked_at=now)
    RequestRecord.objects.create(request=dsr, client_contact=contact, linked_at=now)
    return dsr, person, contact


@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_no_deletion_or_blanking_of_any_kind(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    officer, client_user = world.users["privacy_officer"], world.users["client_same_tenant"]

    # Given: one record of each kind, and one suppression entry from before the backup.
    record_person = marked_person(world, "Record")
    record = record_person.prospects.get()
    doomed_assignment = factories.AssignmentFactory(client=world.acme, name="Acme doomed")
    assignment_person = marked_person(world, "Assign", assignment=doomed_assignment)
    loose_contact = factories.ClientContactFactory(client=world.acme, last_name="Losbladig", email="los@acme.example")
    employee = Employee.objects.create(
        name="Wendelien Vroegweg", email="w.vroeg@lh.example", start_date=dt.date(2024, 1, 1)
    )
    applicant = Applicant.objects.create(
        name="Ariën Sollicitant", email="arien@sollicitant.example", status=ApplicantStatus.APPLIED
    )
    dsr, person, contact = _erasure_request(world)
    note = factories.CallNoteFactory(
        prospect=person.prospects.get(),
        agent=world.users["agent_with_lease"],
        text=f"Sprak {FIRST} {LAST} op 0612399881",
    )
    duplicate = factories.DataSubjectRequestFactory(name=f"{FIRST} {LAST}", email=EMAIL)  # unconfirmed
    expiring = factories.DataSubjectRequestFactory(name="Verlopen Aanvrager", email="verloopt@example.org")
    SuppressionEntry.objects.create(email_hash=IdentifierHashes.of(email="voor@backup.example").email, reason="erasure")

    backup = backup_create(directory=backup_dir())

    # When: deletions and blankings of every kind after the backup.
    prospect_delete(prospect=record, actor=client_user)
    assignment_delete(assignment=doomed_assignment, actor=client_user)
    client_contacts_delete(contact_ids=[loose_contact.pk], actor=world.users["administrator"])
    hr_services.employee_delete(employee=employee, actor=world.users["board"])
    hr_services.applicant_delete(applicant=applicant, actor=world.users["board"])
    request_erase(dsr=dsr, actor=officer, delete_contacts=True, suppress_typed=True, redact_note_ids=[str(note.pk)])
    DataSubjectRequest.objects.filter(pk=expiring.pk).update(confirm_before=timezone.now() - dt.timedelta(hours=1))
    assert requests_expire_unconfirmed(now=timezone.now(), dry_run=False, batch_size=100) == 1
    suppressed = SuppressionEntry.objects.count()
    assert suppressed >= 3  # before the backup + the erasure's own entries

    # Then: restored and replayed, every one of them is still gone.
    report = _restore(backup, tmp_path)
    assert "persons deleted again" in report
    assert Person.objects.filter(pk=world.person.pk).exists()  # the backup did come back
    assert not Prospect.objects.filter(pk=record.pk).exists()
    assert not Person.objects.filter(pk__in=[record_person.pk, assignment_person.pk, person.pk]).exists()
    assert not apps.get_model("assignments.Assignment").objects.filter(pk=doomed_assignment.pk).exists()
    assert not ClientContact.objects.filter(pk__in=[loose_contact.pk, contact.pk]).exists()
    assert not Employee.objects.filter(pk=employee.pk).exists()
    assert not Applicant.objects.filter(pk=applicant.pk).exists()
    assert not DataSubjectRequest.objects.filter(pk__in=[duplicate.pk, expiring.pk]).exists()
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.ANSWERED and dsr.closed_at and dsr.erased_at
    assert (dsr.name, dsr.email, dsr.phone, dsr.company, dsr.message) == ("", "", "", "", "")
    note.refresh_from_db()
    assert FIRST not in note.text and "0612399881" not in note.text and REDACTION_MARKER in note.text
    assert note.redactions.count() == 1
    # The suppression list was not touched by the restore.
    assert SuppressionEntry.objects.count() == suppressed
    assert is_suppressed(IdentifierHashes.of(email=EMAIL))
    dump = pg_dump_text(include_notes=True)
    for value in (FIRST, LAST, EMAIL, "Wendelien", "Ariën", "Losbladig", "Verlopen Aanvrager", "zq.record@"):
        assert value not in dump, f"{value} came back with the restore"

    # Replaying again changes nothing and appends nothing (idempotent).
    before = (LedgerRecord.objects.count(), ErasureLedgerEntry.objects.count())
    second = _restore(backup, tmp_path)
    assert "persons deleted again" in second
    assert (LedgerRecord.objects.count(), ErasureLedgerEntry.objects.count()) == before
    assert SuppressionEntry.objects.count() == suppressed
    assert not DataSubjectRequest.objects.filter(pk=duplicate.pk).exists()


def test_ledger_records_are_append_only_and_hold_ids_only(world: World) -> None:
    prospect_id = world.prospect.pk
    prospect_delete(prospect=world.prospect, actor=world.users["client_same_tenant"])
    record = LedgerRecord.objects.get(kind="prospects.prospect", object_id=prospect_id)
    assert (record.action, record.reason, record.actor_id) == (
        "delete",
        "client_delete",
        world.users["client_same_tenant"].pk,
    )
    # Refused to the runtime role by its grants (no UPDATE/DELETE), to the owner by the trigger.
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerRecord.objects.filter(pk=record.pk).update(reason="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        SuppressionEntry.objects.create(email_hash="a" * 64, reason="erasure")
        SuppressionEntry.objects.all().delete()


def test_an_unledgered_kind_cannot_be_written() -> None:
    with pytest.raises(LookupError):
        ledger_write(model=apps.get_model("prospects.Lease"), object_ids=[], action=LedgerAction.DELETE)


def test_every_model_with_personal_data_has_its_place_in_the_ledger() -> None:
    """A model whose fields the auditlog masks holds personal data: its deletions must be
    ledgered, go with a ledgered parent by CASCADE, or be declared not deleted. Adding such
    a model without deciding fails here."""
    personal = {label.lower() for label, options in AUDITED.items() if options.get("mask_fields")}
    assert personal <= set(PERSONAL_DATA), (
        f"not classified in apps.retention.ledger.PERSONAL_DATA: {personal - set(PERSONAL_DATA)}"
    )
    for label, how in PERSONAL_DATA.items():
        if not how.startswith("with "):
            continue
        parent = apps.get_model(how.removeprefix("with "))
        model = apps.get_model(label)
        cascades = [
            f
            for f in model._meta.get_fields()
            if f.many_to_one or f.one_to_one
            if getattr(f, "related_model", None) is parent and f.remote_field.on_delete.__name__ == "CASCADE"
        ]
        assert cascades, f"{label} does not go with {parent._meta.label} by CASCADE"
        assert parent._meta.label_lower in LEDGERED or parent._meta.label_lower == "prospects.person"


def test_suppression_list_is_outside_the_backup(tmp_path: Path, settings, world: World) -> None:  # type: ignore[no-untyped-def]
    assert SuppressionEntry._meta.db_table.startswith(f'{LEDGER_SCHEMA}"')
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.privacy_suppressionentry')")
        assert cursor.fetchone()[0] is None


@pytest.mark.django_db
def test_backups_are_readable_by_their_owner_only(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "backups"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)  # an existing, too open directory is closed
    settings.BACKUP_DIR = directory
    path = backup_create(directory=backup_dir())
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    fresh = tmp_path / "new" / "backups"
    settings.BACKUP_DIR = fresh
    backup_dir()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700


@pytest.mark.django_db(transaction=True)
def test_suppression_entries_written_after_the_backup_survive_its_restore(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    """Measured on main: 1 entry before the restore, 0 after (issue 11 item 6)."""
    settings.BACKUP_DIR = tmp_path / "backups"
    build_world()
    backup = backup_create(directory=backup_dir())
    hashes = IdentifierHashes.of(email="na@backup.example")
    SuppressionEntry.objects.create(email_hash=hashes.email, reason="erasure")
    _restore(backup, tmp_path)
    assert SuppressionEntry.objects.count() == 1 and is_suppressed(hashes)


def test_the_hr_clock_rules_ledger_what_they_delete(world: World) -> None:
    employee = Employee.objects.create(
        name="Oud Gediende", start_date=dt.date(2015, 1, 1), leaving_date=dt.date(2019, 1, 1)
    )
    applicant = Applicant.objects.create(
        name="Afgewezen Kandidaat", status=ApplicantStatus.REJECTED, rejection_date=dt.date(2020, 1, 1)
    )
    hr_services.employee_files_purge(leaving_on_or_before=dt.date(2020, 1, 1), ids=[employee.pk])
    hr_services.applicants_purge(rejected_on_or_before=dt.date(2021, 1, 1), ids=[applicant.pk])
    assert set(LedgerRecord.objects.values_list("kind", "object_id", "reason")) == {
        ("hr.employee", employee.pk, "purge"),
        ("hr.applicant", applicant.pk, "purge"),
    }


def test_the_ledger_page_counts_the_other_kinds_for_officers_only(world: World) -> None:
    from django.urls import reverse

    from apps.registers.selectors import ledger_record_counts

    prospect_id = world.prospect.pk
    prospect_delete(prospect=world.prospect, actor=world.users["client_same_tenant"])
    response = world.client_for("privacy_officer").get(reverse("registers:erasures"))
    rows = response.context["records"]
    assert [(r["kind"], r["action"], r["count"]) for r in rows] == [("prospects.prospect", "delete", 1)]
    assert str(prospect_id) not in response.content.decode()  # counts only, no ids
    assert ledger_record_counts(user=world.users["administrator"]) == []
