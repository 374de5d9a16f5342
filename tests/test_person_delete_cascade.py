"""The person deletion's cascade (issue 11 item 1, R-DEL-1, R-RET-3): every row that points
at a deleted person goes with it (or loses the pointer), whichever relation it is — also
relations hidden from `Person._meta.related_objects` (`related_name="+"`), and relations
a future model adds. The list the delete works from is compared with the database's own
foreign keys, so a relation it does not handle fails here, not in the nightly purge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection

from apps.prospects.models import Person, ProspectPerson
from apps.prospects.services import DeletionReason, person_delete, person_delete_plan, prospect_delete
from apps.retention.models import LEDGER_TABLE, JobRun, JobStatus, VerificationFlag
from apps.retention.runner import run_rule
from tests import factories
from tests.conftest import World, build_world, empty_ledger_schema


@pytest.fixture
def clean_ledger() -> Iterator[None]:
    yield
    empty_ledger_schema((LEDGER_TABLE,))


def flagged_person(world: World, *, now: dt.datetime) -> Person:
    """A person of Acme's assignment, last verified 7 months before `now` and flagged by the
    verification rule (as every person is in production before the 12-month purge)."""
    prospect = factories.ProspectFactory(assignment=world.assignment)
    person = factories.PersonFactory(
        client=prospect.assignment.client, company=prospect.company, verified_at=now - dt.timedelta(days=213)
    )
    ProspectPerson.objects.create(prospect=prospect, person=person)
    run_rule("verification_flags", now=now)
    assert VerificationFlag.objects.filter(person=person).exists()
    return person


def foreign_keys_to(table: str) -> set[tuple[str, str]]:
    """(table, column) of every foreign key constraint in the database pointing at `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.conrelid::regclass::text, a.attname
               FROM pg_constraint c
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
               WHERE c.contype = 'f' AND c.confrelid = %s::regclass""",
            [table],
        )
        return set(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("way", ["left_company", "erasure", "consent_withdrawn", "client_delete"])
def test_a_flagged_person_can_be_deleted(way: str, clean_ledger: None) -> None:
    world = build_world()
    person = flagged_person(world, now=dt.datetime.now(dt.UTC))

    # Committed (transaction=True): the deferred foreign keys are checked, as in production.
    if way == "client_delete":
        prospect_delete(prospect=person.prospects.get(), actor=world.users["client_same_tenant"])
    else:
        person_delete(person=person, reason=DeletionReason(way), actor=world.users["privacy_officer"])

    assert not Person.objects.filter(pk=person.pk).exists()
    assert not VerificationFlag.objects.filter(person_id=person.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_purge_deletes_flagged_persons_at_12_months(clean_ledger: None, capsys) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    today = dt.datetime.now(dt.UTC)
    call_command("run_retention", "--now", today.isoformat())
    flagged = VerificationFlag.objects.filter(person__isnull=False).count()
    call_command("run_retention", "--now", (today + dt.timedelta(days=200)).isoformat())
    assert VerificationFlag.objects.filter(person__isnull=False).count() > flagged  # the check below can fail

    call_command("run_retention", "--now", (today + dt.timedelta(days=400)).isoformat())

    assert not Person.objects.filter(pk=world.person.pk).exists()
    assert not VerificationFlag.objects.filter(person__isnull=False).exists()
    assert set(JobRun.objects.values_list("status", flat=True)) == {JobStatus.DONE}


@pytest.mark.django_db
def test_the_delete_plan_covers_every_foreign_key_to_the_person_table_in_the_database() -> None:
    """A model with a foreign key to Person (or to a table the persons cascade into) that
    the set-based delete does not know fails here."""
    plan = person_delete_plan()
    planned: dict[str, set[tuple[str, str]]] = {}
    for step in plan.steps:
        planned.setdefault(step.parent_table, set()).add((step.table, step.column))
    assert ("retention_verificationflag", "person_id") in planned["prospects_person"]
    for parent in {"prospects_person", *(step.table for step in plan.steps if step.action == "delete")}:
        assert planned.get(parent, set()) == foreign_keys_to(parent), parent


def test_a_relation_the_set_based_delete_cannot_handle_is_refused_loudly() -> None:
    """PROTECT, RESTRICT, SET_DEFAULT or DO_NOTHING to Person: the plan says it cannot delete
    set-based, and the delete uses Django's collector, which applies those rules."""
    from django.db import models

    from apps.prospects.services import DeletePlan, _plan_relations

    class Stub:
        class _meta:  # noqa: N801
            db_table = "stub_table"

            @staticmethod
            def get_fields(include_hidden: bool = False) -> list:
                return []

    class Target:
        column = "id"

    class Field:
        column = "person_id"
        target_field = Target

    class Rel:
        many_to_many = False
        on_delete = models.PROTECT
        related_model = Stub
        field = Field

    plan = DeletePlan(steps=[], orm_only_because="")
    _plan_relations(plan, parent_table="prospects_person", parent_where="id = ANY(%s)", relations=[Rel])
    assert "stub_table.person_id" in plan.orm_only_because


@pytest.mark.django_db(transaction=True)
def test_left_company_by_api_for_a_flagged_person_answers_204(clean_ledger: None) -> None:
    """The issue's reproduction: after the flag rule, POST left-company answered 500."""
    from django.urls import reverse

    from tests.test_calling_api import api_for

    world = build_world()
    Person.objects.filter(pk=world.person.pk).update(verified_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=213))
    run_rule("verification_flags")
    assert VerificationFlag.objects.filter(person=world.person).exists()

    response = api_for(world, "agent_with_lease").post(reverse("api:person-left-company", args=[world.person.pk]))

    assert response.status_code == 204
    assert not Person.objects.filter(pk=world.person.pk).exists()


@pytest.mark.django_db
@pytest.mark.django_db(transaction=True)
def test_a_foreign_key_to_persons_the_models_do_not_know_stops_the_deletion_clearly(clean_ledger: None) -> None:
    """A constraint added outside the models (RunSQL, a manual fix) is found in the
    catalogue before anything is deleted, instead of an IntegrityError at the commit.
    (Added by the owner role: the application's role cannot create tables, R-SEC-3.)"""
    from django.core.exceptions import ImproperlyConfigured

    from apps.core.dbroles import as_owner
    from apps.prospects import services

    world = build_world()
    with as_owner(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE stray_person_copy (person_id uuid REFERENCES prospects_person (id))")
    services._plan_checked_against_database.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="stray_person_copy.person_id"):
            person_delete(person=world.person, reason=DeletionReason.ERASURE)
    finally:
        services._plan_checked_against_database.cache_clear()
        with as_owner(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE stray_person_copy")
    assert Person.objects.filter(pk=world.person.pk).exists()


def test_the_other_raw_delete_has_nothing_pointing_at_its_table() -> None:
    """`DELETE FROM prospects_lease` (apps/calling/queue.py) is the other hand-written
    delete: it is right only while nothing points at a lease."""
    from apps.prospects.models import Lease
    from apps.prospects.services import _incoming_relations

    assert _incoming_relations(Lease) == []


def test_no_relation_to_a_person_or_company_is_hidden() -> None:
    """Every relation to personal data shows in `_meta.related_objects`, which cascades,
    redactors and reviews walk: none is declared with related_name="+"."""
    from django.apps import apps

    from apps.prospects.models import Company, Person

    hidden = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model in (Person, Company)
        and (field.remote_field.related_name or "").endswith("+")
    ]  # fmt: skip
    assert not hidden, hidden
