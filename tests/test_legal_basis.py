"""The legal basis is one of the six GDPR bases on every path (issue 11 #8, SPEC §2): the
service says so clearly, the API answers 400 (never 500, never a silent drop), the database
refuses anything else, and *consent* is never typed in: only "consent given" sets it."""

from __future__ import annotations

import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from apps.clients.models import ClientContact, LegalBasis
from apps.core.dbroles import as_owner
from apps.core.errors import ServiceError
from apps.imports.records import prospect_record_update
from apps.prospects.models import Person
from apps.prospects.services import person_update
from tests.conftest import World


def api_for(world: World, role: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.users[role])
    return api


def _stored_basis(person: Person) -> str:
    return Person.objects.values_list("legal_basis", flat=True).get(pk=person.pk)


# --- The service ---------------------------------------------------------------------
def test_person_update_refuses_an_unknown_legal_basis_clearly(world: World) -> None:
    with pytest.raises(ServiceError) as caught:
        person_update(person=world.person, actor=world.users["client_same_tenant"], legal_basis="bogus-basis")
    assert "legal_basis" in caught.value.error_dict
    assert "zes grondslagen" in " ".join(caught.value.messages)
    assert _stored_basis(world.person) == LegalBasis.LEGITIMATE_INTEREST


def test_person_update_refuses_consent_typed_in_without_its_proof(world: World) -> None:
    with pytest.raises(ServiceError) as caught:
        person_update(person=world.person, actor=world.users["client_same_tenant"], legal_basis=LegalBasis.CONSENT)
    assert "belscherm" in " ".join(caught.value.messages)
    assert _stored_basis(world.person) == LegalBasis.LEGITIMATE_INTEREST


def test_person_update_takes_another_of_the_six_bases(world: World) -> None:
    person_update(person=world.person, actor=world.users["client_same_tenant"], legal_basis=LegalBasis.CONTRACT)
    assert _stored_basis(world.person) == LegalBasis.CONTRACT


def test_a_record_edit_with_an_unknown_basis_changes_nothing(world: World) -> None:
    """The portal's and API's record edit goes through the same service: nothing half-written."""
    with pytest.raises(ServiceError):
        prospect_record_update(
            prospect=world.prospect,
            actor=world.users["client_same_tenant"],
            company={"city": "Zwolle"},
            persons=[{"id": world.person.pk, "job_title": "Inkoper", "legal_basis": "bogus-basis"}],
        )
    world.person.refresh_from_db()
    world.company.refresh_from_db()
    assert world.person.job_title != "Inkoper" and world.company.city != "Zwolle"


# --- The API ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["bogus-basis", "x" * 200, "", None, 7, LegalBasis.CONSENT.value])
def test_prospect_patch_with_a_bad_legal_basis_is_400(world: World, value: object) -> None:
    response = api_for(world, "client_same_tenant").patch(
        reverse("api:prospect-detail", args=[world.prospect.pk]),
        {"persons": [{"id": str(world.person.pk), "legal_basis": value}]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "legal_basis" in response.content.decode() or "belscherm" in response.content.decode()
    assert _stored_basis(world.person) == LegalBasis.LEGITIMATE_INTEREST


def test_prospect_patch_with_a_valid_legal_basis_is_saved(world: World) -> None:
    response = api_for(world, "client_same_tenant").patch(
        reverse("api:prospect-detail", args=[world.prospect.pk]),
        {"persons": [{"id": str(world.person.pk), "legal_basis": "contract"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["persons"][0]["legal_basis"] == "contract"


def test_prospect_patch_refuses_unknown_person_fields_instead_of_ignoring_them(world: World) -> None:
    response = api_for(world, "client_same_tenant").patch(
        reverse("api:prospect-detail", args=[world.prospect.pk]),
        {"persons": [{"id": str(world.person.pk), "legal_bassis": "contract"}]},
        format="json",
    )
    assert response.status_code == 400 and "legal_bassis" in response.content.decode()


@pytest.mark.parametrize("role", ["agent_with_lease", "client_same_tenant", "supervisor"])
def test_verify_with_a_legal_basis_is_400_not_silently_dropped(world: World, role: str) -> None:
    response = api_for(world, role).post(
        reverse("api:person-verify", args=[world.person.pk]), {"legal_basis": "bogus-basis"}, format="json"
    )
    assert response.status_code == 400 and "legal_basis" in response.content.decode()
    assert _stored_basis(world.person) == LegalBasis.LEGITIMATE_INTEREST


def test_consent_api_with_a_bogus_channel_is_400(world: World) -> None:
    response = api_for(world, "agent_with_lease").post(
        reverse("api:person-consent", args=[world.person.pk]), {"channel": "bogus-basis"}, format="json"
    )
    assert response.status_code == 400
    assert _stored_basis(world.person) == LegalBasis.LEGITIMATE_INTEREST


# --- The database ----------------------------------------------------------------------
@pytest.mark.parametrize(("table", "target"), [("prospects_person", "person"), ("clients_clientcontact", "contact")])
def test_the_database_refuses_an_unknown_legal_basis_from_raw_sql(world: World, table: str, target: str) -> None:
    row = getattr(world, target)
    with pytest.raises(IntegrityError, match="legal_basis_valid"), transaction.atomic(), connection.cursor() as c:
        c.execute(f"UPDATE {table} SET legal_basis = 'bogus-basis' WHERE id = %s", [row.pk])  # noqa: S608


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("module", "model", "constraint", "target", "default"),
    [
        (
            "apps.prospects.migrations.0003_person_legal_basis_valid",
            Person,
            "person_legal_basis_valid",
            "person",
            "legitimate_interest",
        ),
        (
            "apps.clients.migrations.0003_client_contact_legal_basis_valid",
            ClientContact,
            "client_contact_legal_basis_valid",
            "contact",
            "contract",
        ),
    ],
)
def test_the_migration_maps_invalid_stored_values_to_the_default_before_the_constraint(  # type: ignore[no-untyped-def]
    world: World, module, model, constraint, target, default
) -> None:
    """Given a database of before the constraint holding "bogus-basis" (as the API let in),
    the migration's first step maps it to the default, so that adding the constraint succeeds."""
    migration = importlib.import_module(module).Migration
    row = getattr(world, target)
    other = model.objects.exclude(pk=row.pk).first()
    table = model._meta.db_table
    # As the owner role, which runs migrations (R-SEC-3); the constraint is dropped and added
    # back, so the schema is as before, and the data go with the test's flush.
    with as_owner(), connection.cursor() as c:
        c.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
        c.execute(f"UPDATE {table} SET legal_basis = 'bogus-basis' WHERE id = %s", [row.pk])  # noqa: S608
        if other is not None:
            c.execute(f"UPDATE {table} SET legal_basis = 'vital_interests' WHERE id = %s", [other.pk])  # noqa: S608
        c.execute(migration.operations[0].sql)
        with connection.schema_editor() as editor:
            editor.add_constraint(model, migration.operations[1].constraint)
    assert model.objects.values_list("legal_basis", flat=True).get(pk=row.pk) == default
    if other is not None:  # a valid value stays as it was
        assert model.objects.values_list("legal_basis", flat=True).get(pk=other.pk) == "vital_interests"
