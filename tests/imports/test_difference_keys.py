"""A difference's assignment, import job and company: checked by the database once per statement
(issue 16 #1, migration imports.0006), with the guarantees their foreign keys gave.

Each rule is exercised the way the ORM cannot help: by SQL, which is what the import and
the purge write with, and from a second connection for the lock."""

from __future__ import annotations

import uuid

import psycopg
import psycopg.conninfo
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.accounts.models import Role
from apps.assignments.services import assignment_delete
from apps.imports.models import Difference, ImportJob
from tests import factories


def _job(assignment) -> ImportJob:  # type: ignore[no-untyped-def]
    return ImportJob.objects.create(assignment=assignment, file_format="csv", created_at=timezone.now())


def _difference(assignment, job=None, **values) -> Difference:  # type: ignore[no-untyped-def]
    return Difference.objects.create(
        assignment=assignment,
        import_job=job,
        company=factories.CompanyFactory(),
        field="city",
        value="Zwolle",
        created_at=timezone.now(),
        **values,
    )


@pytest.mark.django_db
def test_a_difference_naming_no_assignment_fails_at_once() -> None:
    assignment = factories.AssignmentFactory()
    with pytest.raises(IntegrityError, match="assignment key"), transaction.atomic():
        _difference(assignment, assignment_id=uuid.uuid4())
    assert not Difference.objects.exists()


@pytest.mark.django_db
def test_a_difference_naming_no_import_job_fails_at_once() -> None:
    assignment = factories.AssignmentFactory()
    with pytest.raises(IntegrityError, match="import job key"), transaction.atomic():
        _difference(assignment, import_job_id=uuid.uuid4())
    # One bad row among good ones fails the whole statement, as the import writes them.
    good = _difference(assignment, _job(assignment))
    with pytest.raises(IntegrityError, match="import job key"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO imports_difference (assignment_id, import_job_id, company_id, field, value, created_at)
                   SELECT assignment_id, v.job, company_id, field, value, created_at
                   FROM imports_difference, (VALUES (%s::uuid), (%s::uuid)) v(job) WHERE id = %s""",
                [good.import_job_id, uuid.uuid4(), good.pk],
            )
    assert list(Difference.objects.values_list("pk", flat=True)) == [good.pk]


@pytest.mark.django_db
def test_a_difference_naming_no_company_fails_at_once() -> None:
    assignment = factories.AssignmentFactory()
    with pytest.raises(IntegrityError, match="company key"), transaction.atomic():
        _difference(assignment, company_id=uuid.uuid4())
    assert not Difference.objects.exists()


@pytest.mark.django_db
def test_moving_a_difference_to_no_job_or_assignment_fails() -> None:
    assignment = factories.AssignmentFactory()
    difference = _difference(assignment, _job(assignment))
    for change in ({"import_job_id": uuid.uuid4()}, {"assignment_id": uuid.uuid4()}, {"company_id": uuid.uuid4()}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Difference.objects.filter(pk=difference.pk).update(**change)
    # A job let go of (NULL) is no violation.
    Difference.objects.filter(pk=difference.pk).update(import_job=None)


@pytest.mark.django_db
def test_deleting_an_assignment_by_sql_deletes_its_differences_and_no_other() -> None:
    assignment, other = factories.AssignmentFactory(), factories.AssignmentFactory()
    _difference(assignment, _job(assignment))
    kept = _difference(other)
    # The rows of other tables that name it (its results, permissions) would fail the
    # deferred foreign keys at COMMIT: the DELETE is undone after the look.
    undo = transaction.savepoint()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assignments_assignment WHERE id = %s", [assignment.pk])
    remaining = list(Difference.objects.values_list("pk", flat=True))
    transaction.savepoint_rollback(undo)
    assert remaining == [kept.pk]


@pytest.mark.django_db
def test_deleting_a_company_by_sql_deletes_its_differences_and_no_other() -> None:
    assignment = factories.AssignmentFactory()
    difference, kept = _difference(assignment), _difference(assignment)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM prospects_company WHERE id = %s", [difference.company_id])
    assert list(Difference.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db
def test_deleting_an_import_job_by_sql_keeps_its_differences_without_it() -> None:
    assignment = factories.AssignmentFactory()
    job, other_job = _job(assignment), _job(assignment)
    difference, other = _difference(assignment, job), _difference(assignment, other_job)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM imports_importjob WHERE id = %s", [job.pk])
    difference.refresh_from_db()
    other.refresh_from_db()
    assert difference.import_job_id is None and difference.assignment_id == assignment.pk
    assert other.import_job_id == other_job.pk


@pytest.mark.django_db
def test_the_service_deleting_an_assignment_deletes_its_differences() -> None:
    assignment = factories.AssignmentFactory(active=False, accepted=False)
    _difference(assignment, _job(assignment))
    assignment_delete(assignment=assignment, actor=factories.UserFactory(role=Role.ADMINISTRATOR))
    assert not Difference.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_assignment_named_by_an_uncommitted_difference_cannot_be_deleted_meanwhile() -> None:
    """The check locks what it names (FOR KEY SHARE), as a foreign key does: without the lock
    another transaction could delete the assignment between the check and the commit."""
    assignment = factories.AssignmentFactory()
    settings = connection.settings_dict
    dsn = psycopg.conninfo.make_conninfo(
        host=settings["HOST"],
        port=settings["PORT"] or None,
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
    )
    with transaction.atomic():
        _difference(assignment, _job(assignment))
        with psycopg.connect(dsn, autocommit=True) as other:
            other.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("DELETE FROM assignments_assignment WHERE id = %s", [assignment.pk])
    assert Difference.objects.filter(assignment=assignment).count() == 1
