from __future__ import annotations

import pytest
from django.utils import translation

from apps.accounts.models import Role
from apps.assignments import services
from apps.assignments.models import ProcessorAgreement
from apps.core.access import AssignmentPerm, assignment_perms_for
from apps.core.errors import ServiceError
from apps.prospects.models import Lease
from tests import factories
from tests.conftest import World
from tests.factories import AssignmentFactory, ClientFactory, UserFactory


def test_new_assignment_is_inactive_with_unaccepted_agreement_and_default_results(db) -> None:  # type: ignore[no-untyped-def]
    assignment = services.assignment_create(client=ClientFactory(), name="Nieuw")
    assert not assignment.is_active
    assert not assignment.processor_agreement.is_accepted
    assert assignment.results.count() >= 5


def test_assignment_cannot_be_activated_before_the_agreement_is_accepted(db) -> None:  # type: ignore[no-untyped-def]
    assignment = AssignmentFactory(accepted=False, active=False)
    with translation.override("en"), pytest.raises(ServiceError, match="processor agreement"):
        services.assignment_set_active(assignment=assignment, active=True)
    assignment.refresh_from_db()
    assert not assignment.is_active


def test_agents_cannot_be_scheduled_before_the_agreement_is_accepted(db) -> None:  # type: ignore[no-untyped-def]
    assignment = AssignmentFactory(accepted=False, active=False)
    agent = UserFactory(role=Role.AGENT)
    with pytest.raises(ServiceError):
        services.assignment_schedule_agent(assignment=assignment, user=agent)
    assert assignment_perms_for(agent, assignment) == frozenset()


def test_only_a_user_of_the_same_client_accepts_the_agreement(db) -> None:  # type: ignore[no-untyped-def]
    assignment = AssignmentFactory(accepted=False, active=False)
    stranger = UserFactory(role=Role.CLIENT)  # a client user of another client
    with pytest.raises(ServiceError):
        services.processor_agreement_accept(assignment=assignment, actor=stranger, ip_address="192.0.2.1")
    owner = UserFactory(role=Role.CLIENT, client=assignment.client)
    agreement = services.processor_agreement_accept(assignment=assignment, actor=owner, ip_address="192.0.2.1")
    assert (agreement.accepted_by, agreement.accepted_ip) == (owner, "192.0.2.1")
    assert agreement.text_version
    with pytest.raises(ServiceError):
        services.processor_agreement_accept(assignment=assignment, actor=owner, ip_address=None)


def test_deactivating_ends_leases_and_agent_access_at_once(world: World) -> None:
    agent = world.users["agent_with_lease"]
    services.assignment_set_active(assignment=world.assignment, active=False)
    assert not Lease.objects.filter(assignment=world.assignment).exists()
    assert assignment_perms_for(agent, world.assignment) == frozenset()
    # The client and the supervisor keep their access to the inactive assignment (SPEC §1).
    assert AssignmentPerm.DOWNLOAD in assignment_perms_for(world.users["client_same_tenant"], world.assignment)
    assert AssignmentPerm.SUPERVISE in assignment_perms_for(world.users["supervisor"], world.assignment)


def test_unscheduling_an_agent_releases_their_prospect(world: World) -> None:
    agent = world.users["agent_with_lease"]
    services.assignment_unschedule_agent(assignment=world.assignment, user=agent)
    assert not Lease.objects.filter(agent=agent).exists()
    assert assignment_perms_for(agent, world.assignment) == frozenset()


def test_roles_are_checked_when_granting(world: World) -> None:
    with pytest.raises(ServiceError):
        services.assignment_add_supervisor(assignment=world.assignment, user=world.users["agent_without_lease"])
    with pytest.raises(ServiceError):
        services.assignment_schedule_agent(assignment=world.assignment, user=world.users["supervisor"])


def test_permissions_are_rows_on_the_assignment_only(world: World) -> None:
    """R-NTK-4: guardian rows exist for assignments and nothing else."""
    from guardian.models import UserObjectPermission

    from apps.assignments.models import AssignmentUserObjectPermission

    assert not UserObjectPermission.objects.exists()  # no generic (per-row) grants at all
    codes = set(
        AssignmentUserObjectPermission.objects.filter(user=world.users["supervisor"]).values_list(
            "permission__codename", flat=True
        )
    )
    # No "download": downloads are the client's users' alone (policy §3, issue 11 #9).
    assert codes == {"view_assignment", "supervise_assignment"}


def test_deleting_an_assignment_removes_notes_and_unshared_persons_but_keeps_companies(world: World) -> None:
    from apps.callnotes.models import CallNote
    from apps.prospects.models import Company, Person, ProspectPerson

    # Globex's own record of a person at the same company (R-IMP-4: a record per client;
    # no record is shared any more) stays.
    shared = factories.PersonFactory(client=world.globex, company=world.company)
    ProspectPerson.objects.create(
        prospect=factories.ProspectFactory(assignment=world.other_assignment, company=world.company), person=shared
    )
    own = world.person
    services.assignment_delete(assignment=world.assignment)
    assert not CallNote.objects.filter(pk=world.note.pk).exists()
    assert not Person.objects.filter(pk=own.pk).exists()
    assert Person.objects.filter(pk=shared.pk).exists()
    assert Company.objects.filter(pk=world.company.pk).exists()
    assert ProcessorAgreement.objects.filter(assignment_id=world.assignment.pk).count() == 0
