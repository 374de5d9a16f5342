"""The data step of migration prospects/0004_person_belongs_to_one_client (R-IMP-4): a
record linked in several clients' assignments becomes one record per client; a record
linked nowhere goes. Run for real: back to 0002, shared data made as it existed, forward."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.core.dbroles import as_owner, grant_runtime, owner_credentials, runtime_role
from apps.imports.models import Difference
from apps.prospects.models import Person, ProspectPerson
from apps.retention.models import VerificationFlag
from tests import factories
from tests.conftest import build_world

BEFORE = [("prospects", "0002_verified_id_indexes")]
AFTER = [("prospects", "0004_person_belongs_to_one_client")]


def _migrate(target: list[tuple[str, str]] | None = None) -> None:
    """Migrations run as the owner role, as `manage.py migrate` does (R-SEC-3); None: the latest."""
    app = runtime_role()
    with as_owner():
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target if target is not None else executor.loader.graph.leaf_nodes())
        owner = owner_credentials()
        if app and owner:  # as `manage.py migrate` does: re-made functions need their grants again
            with connection.cursor() as cursor:
                grant_runtime(cursor, owner=owner["USER"], app=app)


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():  # type: ignore[no-untyped-def]
    """Going back to 0002 unapplies what depends on it; leave the schema whole for the next test."""
    yield
    _migrate()


@pytest.mark.django_db(transaction=True)
def test_shared_records_are_split_per_client() -> None:
    world = build_world()
    shared = world.person  # Acme's; about to be linked in Globex's assignment as well
    globex_prospect = factories.ProspectFactory(assignment=world.other_assignment, company=shared.company)
    Difference.objects.create(
        assignment=world.other_assignment,
        person=shared,
        field="job_title",
        value="Inkoper",
        created_at=shared.created_at,
    )
    VerificationFlag.objects.create(person=shared, verified_at=shared.verified_at, flagged_at=shared.verified_at)
    _migrate(BEFORE)
    # No orphan record here: 0004 deletes orphans through the live deletion path
    # (`persons_delete`), whose plan names every table of the latest schema (appointments,
    # the tussenvoegsel column, ...), so on 0004's schema it cannot run. Every deployment has
    # 0004 applied; a fresh database has no orphans. The deletion path itself is tested in
    # tests/test_person_delete*.py.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO prospects_prospectperson (prospect_id, person_id, created_at) VALUES (%s, %s, now())",
            [globex_prospect.pk, shared.pk],
        )
    _migrate(AFTER)
    # The split is 0004's; the later migrations add columns the model reads (issue 14's
    # restriction), so the checks run on the latest schema.
    _migrate()

    kept = Person.objects.get(pk=shared.pk)
    copy = Person.objects.get(prospect_links__prospect=globex_prospect)
    assert kept.client_id == world.acme.pk and copy.client_id == world.globex.pk and copy.pk != kept.pk
    fields = ("first_name", "last_name", "job_title", "email", "phone", "company_id", "verified_at", "legal_basis")
    assert [getattr(copy, f) for f in fields] == [getattr(kept, f) for f in fields]
    assert ProspectPerson.objects.filter(person=kept).get().prospect_id == world.prospect.pk
    assert Difference.objects.get(field="job_title").person_id == copy.pk  # went with Globex's assignment
    assert VerificationFlag.objects.filter(person_id__in=[kept.pk, copy.pk]).count() == 2
