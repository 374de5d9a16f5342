"""Rules the database itself enforces, so no code path can get around them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.audit.models import AccessLogEntry
from apps.callnotes.models import CallNote
from apps.prospects.models import Lease, Prospect
from tests.conftest import World
from tests.factories import LeaseFactory


def test_call_note_text_cannot_be_changed(world: World) -> None:
    with pytest.raises(IntegrityError, match="R-NOTE-3"), transaction.atomic():
        CallNote.objects.filter(pk=world.note.pk).update(text="rewritten")


def test_call_note_cannot_be_deleted_on_its_own(world: World) -> None:
    with pytest.raises(IntegrityError, match="R-NOTE-3"), transaction.atomic():
        CallNote.objects.filter(pk=world.note.pk).delete()


def test_deleting_a_prospect_keeps_its_notes(world: World) -> None:
    Prospect.objects.filter(pk=world.prospect.pk).delete()
    note = CallNote.objects.get(pk=world.note.pk)
    assert note.prospect_id is None
    assert note.text == world.note.text


def test_access_log_is_append_only(world: World) -> None:
    entry = world.access_log_entry
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(actor_id=None)
    # The application's role holds no DELETE on it (R-SEC-3); the trigger refuses the owner.
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    # R-RET-6: clearing the IP address is the one change allowed.
    AccessLogEntry.objects.filter(pk=entry.pk).update(ip_address=None)


def test_one_lease_per_prospect(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaseFactory(prospect=world.prospect, agent=world.users["agent_without_lease"])


def test_one_lease_per_agent_per_assignment(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Lease.objects.create(
            prospect=world.unleased_prospect,
            agent=world.users["agent_with_lease"],
            assignment=world.assignment,
            leased_at=timezone.now(),
            expires_at=timezone.now() + dt.timedelta(minutes=30),
        )


def test_client_users_need_a_client_and_staff_cannot_have_one(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="loose", role=Role.CLIENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="mixed", role=Role.AGENT, client=world.acme)


def test_privacy_officer_is_an_administrator_or_board_member(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="po", role=Role.SUPERVISOR, is_privacy_officer=True)


def test_callback_needs_a_time(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Prospect.objects.filter(pk=world.unleased_prospect.pk).update(status="callback", callback_at=None)


def test_a_note_cannot_be_filed_under_another_assignment_or_company(world: World) -> None:
    from tests.factories import CallNoteFactory, CompanyFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        CallNoteFactory(prospect=world.prospect, company=CompanyFactory())
    globex = world.other_assignment
    with pytest.raises(IntegrityError), transaction.atomic():
        CallNoteFactory(prospect=world.prospect, assignment=globex, result=globex.results.first())


def test_a_notes_result_must_be_one_of_its_assignments(world: World) -> None:
    from tests.factories import AssignmentFactory, CallNoteFactory

    foreign_result = AssignmentFactory().results.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CallNoteFactory(prospect=world.prospect, result=foreign_result)
    CallNoteFactory(prospect=world.prospect)  # the assignment's own result: fine


def test_a_prospect_is_leased_only_within_its_assignment(world: World) -> None:
    from tests.factories import AssignmentFactory, ProspectFactory

    prospect = ProspectFactory(assignment=world.assignment)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaseFactory(prospect=prospect, assignment=AssignmentFactory())
    LeaseFactory(prospect=prospect)
