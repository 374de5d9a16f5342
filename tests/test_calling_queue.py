"""The queue (R-NTK-2): one prospect to one agent at a time, in order, with leases that expire."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from apps.accounts.models import Role
from apps.assignments import services as assignment_services
from apps.calling.queue import leases_expire, prospect_lease_next
from apps.calling.services import call_note_create
from apps.prospects.models import Lease, ProspectStatus
from tests.factories import AssignmentFactory, ProspectFactory, UserFactory

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def queue(db):  # type: ignore[no-untyped-def]
    assignment = AssignmentFactory()
    agents = [UserFactory(role=Role.AGENT) for _ in range(2)]
    for agent in agents:
        assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
    return assignment, agents


def result(assignment, code: str):  # type: ignore[no-untyped-def]
    return assignment.results.get(code=code)


def test_two_agents_get_different_prospects(queue) -> None:  # type: ignore[no-untyped-def]
    assignment, (a, b) = queue
    ProspectFactory.create_batch(3, assignment=assignment)
    pa = prospect_lease_next(assignment=assignment, agent=a, now=NOW)
    pb = prospect_lease_next(assignment=assignment, agent=b, now=NOW)
    assert pa and pb and pa != pb
    assert Lease.objects.get(prospect=pa).expires_at == NOW + dt.timedelta(minutes=30)


def test_asking_again_returns_the_held_prospect(queue) -> None:  # type: ignore[no-untyped-def]
    assignment, (a, _b) = queue
    ProspectFactory.create_batch(3, assignment=assignment)
    first = prospect_lease_next(assignment=assignment, agent=a, now=NOW)
    assert prospect_lease_next(assignment=assignment, agent=a, now=NOW + dt.timedelta(minutes=5)) == first
    assert Lease.objects.filter(agent=a).count() == 1


def test_expired_lease_is_released_and_the_prospect_goes_to_another_agent(queue) -> None:  # type: ignore[no-untyped-def]
    assignment, (a, b) = queue
    only = ProspectFactory(assignment=assignment)
    assert prospect_lease_next(assignment=assignment, agent=a, now=NOW) == only
    assert prospect_lease_next(assignment=assignment, agent=b, now=NOW + dt.timedelta(minutes=29)) is None
    assert prospect_lease_next(assignment=assignment, agent=b, now=NOW + dt.timedelta(minutes=30)) == only
    assert Lease.objects.get().agent == b


def test_leases_expire_is_idempotent(queue) -> None:  # type: ignore[no-untyped-def]
    assignment, (a, _b) = queue
    ProspectFactory(assignment=assignment)
    prospect_lease_next(assignment=assignment, agent=a, now=NOW)
    later = NOW + dt.timedelta(hours=1)
    assert leases_expire(now=later) == 1
    assert leases_expire(now=later) == 0


def test_order_own_due_callbacks_then_new_then_oldest_retry(queue) -> None:  # type: ignore[no-untyped-def]
    assignment, (a, b) = queue
    retry_recent = ProspectFactory(
        assignment=assignment, status=ProspectStatus.IN_PROGRESS, last_called_at=NOW - dt.timedelta(hours=1)
    )
    retry_old = ProspectFactory(
        assignment=assignment, status=ProspectStatus.IN_PROGRESS, last_called_at=NOW - dt.timedelta(days=2)
    )
    new = ProspectFactory(assignment=assignment)
    ProspectFactory(
        assignment=assignment,
        status=ProspectStatus.CALLBACK,
        callback_at=NOW - dt.timedelta(minutes=1),
        callback_agent=b,
    )
    not_due = ProspectFactory(
        assignment=assignment, status=ProspectStatus.CALLBACK, callback_at=NOW + dt.timedelta(hours=1), callback_agent=a
    )
    due = ProspectFactory(
        assignment=assignment,
        status=ProspectStatus.CALLBACK,
        callback_at=NOW - dt.timedelta(minutes=5),
        callback_agent=a,
    )

    order = []
    for _ in range(4):
        prospect = prospect_lease_next(assignment=assignment, agent=a, now=NOW)
        order.append(prospect)
        call_note_create(prospect=prospect, actor=a, result=result(assignment, "not-interested"), now=NOW)
    assert order == [due, new, retry_old, retry_recent]
    assert prospect_lease_next(assignment=assignment, agent=a, now=NOW) is None  # b's callback and a's later one wait
    assert not Lease.objects.filter(prospect=not_due).exists()


def test_recording_a_call_releases_the_lease_and_sets_the_status(queue) -> None:  # type: ignore[no-untyped-def]
    assignment, (a, _b) = queue
    ProspectFactory.create_batch(2, assignment=assignment)
    prospect = prospect_lease_next(assignment=assignment, agent=a, now=NOW)
    call_note_create(prospect=prospect, actor=a, result=result(assignment, "no-answer"), text="Geen gehoor", now=NOW)
    prospect.refresh_from_db()
    assert prospect.status == ProspectStatus.IN_PROGRESS
    assert prospect.last_called_at == NOW and prospect.last_result.code == "no-answer"
    assert not Lease.objects.filter(agent=a).exists()

    second = prospect_lease_next(assignment=assignment, agent=a, now=NOW)
    assert second != prospect
    callback = NOW + dt.timedelta(days=1)
    call_note_create(prospect=second, actor=a, result=result(assignment, "call-back"), callback_at=callback, now=NOW)
    second.refresh_from_db()
    assert (second.status, second.callback_at, second.callback_agent) == (ProspectStatus.CALLBACK, callback, a)


def test_deactivating_the_assignment_ends_the_leases(queue) -> None:  # type: ignore[no-untyped-def]
    assignment, (a, _b) = queue
    ProspectFactory(assignment=assignment)
    prospect_lease_next(assignment=assignment, agent=a)
    assignment_services.assignment_set_active(assignment=assignment, active=False)
    assert not Lease.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_next_never_leases_one_prospect_twice() -> None:
    """Many agents in many threads, each with its own database connection, ask at once."""
    assignment = AssignmentFactory()
    agents = [UserFactory(role=Role.AGENT) for _ in range(12)]
    for agent in agents:
        assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
    ProspectFactory.create_batch(30, assignment=assignment)
    no_answer = assignment.results.get(code="not-interested")
    barrier = threading.Barrier(len(agents))
    got: dict[int, list] = {agent.pk: [] for agent in agents}
    errors: list[BaseException] = []

    def work(agent) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            for _ in range(3):
                prospect = prospect_lease_next(assignment=assignment, agent=agent)
                if prospect is None:
                    break
                got[agent.pk].append(prospect.pk)
                call_note_create(prospect=prospect, actor=agent, result=no_answer)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(agent,)) for agent in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    handed = [pk for pks in got.values() for pk in pks]
    assert len(handed) == 30
    assert len(set(handed)) == len(handed), "a prospect was leased twice"
    assert connection.vendor == "postgresql"
    assert not Lease.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_lost_race_reads_again_and_returns_the_lease_that_won() -> None:
    """The same agent asks twice at once (two tabs): the second "next" picks another row,
    its insert meets the first one's lease of the agent (still uncommitted, so it waits),
    skips the insert when that commits, and reads again: both get the same prospect, and
    the agent holds one lease."""
    from django.db import transaction

    assignment = AssignmentFactory()
    agent = UserFactory(role=Role.AGENT)
    assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
    ProspectFactory.create_batch(3, assignment=assignment)
    first: list = []
    leased = threading.Event()

    def first_tab() -> None:
        try:
            with transaction.atomic():
                first.append(prospect_lease_next(assignment=assignment, agent=agent))
                leased.set()
                threading.Event().wait(0.5)  # the second tab is now waiting on this lease
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_tab)
    thread.start()
    assert leased.wait(10)
    second = prospect_lease_next(assignment=assignment, agent=agent)
    thread.join()
    assert first[0] is not None and second is not None
    assert second.pk == first[0].pk
    assert list(Lease.objects.values_list("prospect_id", flat=True)) == [second.pk]


def test_an_unscheduled_agents_due_callbacks_go_to_the_others(queue) -> None:  # type: ignore[no-untyped-def]
    assignment, (a, b) = queue
    due = ProspectFactory(
        assignment=assignment,
        status=ProspectStatus.CALLBACK,
        callback_at=NOW - dt.timedelta(minutes=1),
        callback_agent=b,
    )
    later = ProspectFactory(
        assignment=assignment, status=ProspectStatus.CALLBACK, callback_at=NOW + dt.timedelta(days=1), callback_agent=b
    )
    assert prospect_lease_next(assignment=assignment, agent=a, now=NOW) is None  # b's, not a's

    assignment_services.assignment_unschedule_agent(assignment=assignment, user=b)

    assert prospect_lease_next(assignment=assignment, agent=a, now=NOW) == due
    later.refresh_from_db()
    assert (later.status, later.callback_agent) == (ProspectStatus.CALLBACK, None)  # waits for its time


def test_an_agent_who_changes_role_leaves_their_callbacks_to_the_queue(queue) -> None:  # type: ignore[no-untyped-def]
    from apps.accounts.services import user_change_role

    assignment, (a, b) = queue
    due = ProspectFactory(
        assignment=assignment,
        status=ProspectStatus.CALLBACK,
        callback_at=NOW - dt.timedelta(minutes=1),
        callback_agent=b,
    )
    user_change_role(user=b, role=Role.SUPERVISOR)
    assert prospect_lease_next(assignment=assignment, agent=a, now=NOW) == due


def test_a_deactivated_agents_due_callbacks_go_to_the_others(queue) -> None:  # type: ignore[no-untyped-def]
    assignment, (a, b) = queue
    due = ProspectFactory(
        assignment=assignment,
        status=ProspectStatus.CALLBACK,
        callback_at=NOW - dt.timedelta(minutes=1),
        callback_agent=b,
    )
    assert prospect_lease_next(assignment=assignment, agent=a, now=NOW) is None
    type(b).objects.filter(pk=b.pk).update(is_active=False)  # as the admin does it
    assert prospect_lease_next(assignment=assignment, agent=a, now=NOW) == due
