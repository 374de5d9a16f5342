"""The supervisor's live board (issue 13 #6, R-SUP-1): who holds which prospect since when,
idle agents, stuck leases released with one click, an absent agent's callbacks reassigned;
each act logged (R-LOG-1), for the assignment's own supervisor only (R-NTK-1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.assignments import services as assignment_services
from apps.audit.models import AccessAction, AccessLogEntry
from apps.calling.board import AgentState, agent_states
from apps.calling.queue import prospect_lease_next
from apps.calling.services import call_note_create
from apps.core.errors import ServiceError
from apps.prospects.models import Lease, Prospect, ProspectStatus
from tests import factories
from tests.conftest import World


def _board_url(world: World) -> str:
    return reverse("calling:board", args=[world.assignment.pk])


def _make_callbacks(world: World, agent_role: str, n: int, *, due: int = 0) -> list[Prospect]:
    now = timezone.now()
    agent = world.users[agent_role]
    prospects = [factories.ProspectFactory(assignment=world.assignment) for _ in range(n)]
    for i, p in enumerate(prospects):
        when = now - dt.timedelta(minutes=5) if i < due else now + dt.timedelta(days=1)
        Prospect.objects.filter(pk=p.pk).update(status=ProspectStatus.CALLBACK, callback_at=when, callback_agent=agent)
    return prospects


def test_board_shows_who_holds_which_prospect_since_when(world: World) -> None:
    factories.CallNoteFactory(
        prospect=world.unleased_prospect,
        agent=world.users["agent_with_lease"],
        created_at=timezone.now() - dt.timedelta(hours=1),
    )
    board = agent_states(assignment=world.assignment)
    by_name = {a.username: a for a in board.agents}
    holder, idle = by_name["agent-lease"], by_name["agent-nolease"]
    assert holder.state == AgentState.CALLING
    assert holder.lease.company_name == world.prospect.company.name
    assert holder.since == world.lease.leased_at and holder.lease.expires_at == world.lease.expires_at
    assert holder.last_call_at is not None
    assert (idle.state, idle.lease, idle.since, idle.last_call_at) == (AgentState.IDLE, None, None, None)
    # Only the agents of this assignment: not Globex's.
    assert set(by_name) == {"agent-lease", "agent-nolease"}

    page = world.client_for("supervisor").get(_board_url(world)).content.decode()
    assert world.prospect.company.name in page and "agent-nolease" in page
    assert 'hx-trigger="every 5s"' in page
    # Company names only: no contact person on the board.
    person = world.person
    assert person.last_name not in page and person.email not in page


def test_long_held_and_expired_leases_are_stuck(world: World) -> None:
    now = timezone.now()
    Lease.objects.filter(pk=world.lease.pk).update(leased_at=now - dt.timedelta(minutes=25))
    assert agent_states(assignment=world.assignment, now=now).stuck[0].username == "agent-lease"
    Lease.objects.filter(pk=world.lease.pk).update(
        leased_at=now - dt.timedelta(minutes=40), expires_at=now - dt.timedelta(minutes=10)
    )
    assert [a.state for a in agent_states(assignment=world.assignment, now=now).stuck] == [AgentState.STUCK]


def test_idle_agent_is_idle_since_their_last_call(world: World) -> None:
    last = timezone.now() - dt.timedelta(minutes=42)
    factories.CallNoteFactory(
        prospect=world.unleased_prospect, agent=world.users["agent_without_lease"], created_at=last
    )
    # A call in another assignment is not this board's business.
    factories.CallNoteFactory(prospect=world.other_prospect, agent=world.users["agent_without_lease"])
    idle = {a.username: a for a in agent_states(assignment=world.assignment).agents}["agent-nolease"]
    assert (idle.state, idle.since, idle.last_call_at) == (AgentState.IDLE, last, last)


def test_supervisor_releases_a_stuck_lease_and_it_is_logged(world: World) -> None:
    http = world.client_for("supervisor")
    response = http.post(
        reverse("calling:board-release", args=[world.assignment.pk]), {"prospect": str(world.prospect.pk)}
    )
    assert response.status_code == 302
    assert not Lease.objects.filter(prospect=world.prospect).exists()
    entry = AccessLogEntry.objects.get(action=AccessAction.RELEASE)
    assert (entry.actor_id, entry.object_id, entry.assignment_id, entry.via) == (
        world.users["supervisor"].pk,
        str(world.prospect.pk),
        world.assignment.pk,
        "calling:board-release",
    )
    # The agent who held it can no longer save the call ...
    with pytest.raises(ServiceError):
        call_note_create(
            prospect=world.prospect, actor=world.users["agent_with_lease"], result=world.assignment.results.first()
        )
    # Released twice: told so, nothing else happens.
    again = http.post(
        reverse("calling:board-release", args=[world.assignment.pk]), {"prospect": str(world.prospect.pk)}, follow=True
    )
    assert "Niemand houdt deze prospect nog vast" in again.content.decode()
    assert AccessLogEntry.objects.filter(action=AccessAction.RELEASE).count() == 1
    # ... and the prospect is back in the queue for anyone.
    Prospect.objects.filter(pk=world.unleased_prospect.pk).update(status=ProspectStatus.DONE)
    assert prospect_lease_next(assignment=world.assignment, agent=world.users["agent_without_lease"]) == world.prospect


def test_release_by_htmx_answers_the_board_fragment(world: World) -> None:
    response = world.client_for("supervisor").post(
        reverse("calling:board-release", args=[world.assignment.pk]),
        {"prospect": str(world.prospect.pk)},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<section id="board"')
    assert "teruggezet in de wachtrij" in body


@pytest.mark.parametrize("role", ["supervisor_other_assignment", "client_same_tenant", "client_other_tenant"])
def test_others_cannot_release_and_learn_nothing(world: World, role: str) -> None:
    response = world.client_for(role).post(
        reverse("calling:board-release", args=[world.assignment.pk]), {"prospect": str(world.prospect.pk)}
    )
    assert response.status_code == 404
    assert world.prospect.company.name not in response.content.decode()
    assert Lease.objects.filter(prospect=world.prospect).exists()
    assert not AccessLogEntry.objects.filter(action=AccessAction.RELEASE).exists()


def test_administrator_looks_but_does_not_act(world: World) -> None:
    http = world.client_for("administrator")
    assert http.get(_board_url(world)).status_code == 200
    page = http.get(_board_url(world)).content.decode()
    assert "board-release" not in page and "board/release" not in page
    response = http.post(
        reverse("calling:board-release", args=[world.assignment.pk]), {"prospect": str(world.prospect.pk)}
    )
    assert response.status_code == 403 and Lease.objects.filter(prospect=world.prospect).exists()


def test_supervisor_cannot_release_another_assignments_lease_through_their_own(world: World) -> None:
    """A prospect id of Globex posted to Acme's board: not found there, nothing released."""
    lease = factories.LeaseFactory(prospect=world.other_prospect, agent=world.users["agent_other_assignment"])
    response = world.client_for("supervisor").post(
        reverse("calling:board-release", args=[world.assignment.pk]), {"prospect": str(world.other_prospect.pk)}
    )
    assert response.status_code == 302
    assert Lease.objects.filter(pk=lease.pk).exists()


def test_other_supervisors_board_shows_only_their_assignment(world: World) -> None:
    assert world.client_for("supervisor_other_assignment").get(_board_url(world)).status_code == 404
    lease = factories.LeaseFactory(prospect=world.other_prospect, agent=world.users["agent_other_assignment"])
    theirs = reverse("calling:board", args=[world.other_assignment.pk])
    page = world.client_for("supervisor_other_assignment").get(theirs).content.decode()
    assert lease.prospect.company.name in page
    assert world.prospect.company.name not in page and "agent-lease" not in page
    assert world.client_for("supervisor").get(theirs).status_code == 404


def test_callbacks_of_an_absent_agent_go_to_another_agent(world: World) -> None:
    mine = _make_callbacks(world, "agent_with_lease", 3, due=1)
    kept = _make_callbacks(world, "agent_without_lease", 1)
    holder = {a.username: a for a in agent_states(assignment=world.assignment).agents}["agent-lease"]
    assert (holder.callbacks, holder.callbacks_due) == (3, 1)
    response = world.client_for("supervisor").post(
        reverse("calling:board-reassign", args=[world.assignment.pk]),
        {"from_agent": world.users["agent_with_lease"].pk, "to_agent": world.users["agent_without_lease"].pk},
    )
    assert response.status_code == 302
    owners = set(Prospect.objects.filter(pk__in=[p.pk for p in mine]).values_list("callback_agent", flat=True))
    assert owners == {world.users["agent_without_lease"].pk}
    assert Prospect.objects.get(pk=kept[0].pk).callback_agent == world.users["agent_without_lease"]
    entry = AccessLogEntry.objects.get(action=AccessAction.REASSIGN)
    assert sorted(entry.object_ids) == sorted(str(p.pk) for p in mine)
    assert entry.assignment_id == world.assignment.pk
    # The new owner may open them now (R-NTK-2: a callback of their own).
    http = world.client_for("agent_without_lease")
    assert (
        "agent_without_lease" and http.get(reverse("calling:workspace", args=[world.assignment.pk])).status_code == 200
    )


def test_callbacks_to_the_pool(world: World) -> None:
    mine = _make_callbacks(world, "agent_with_lease", 2)
    response = world.client_for("supervisor").post(
        reverse("calling:board-reassign", args=[world.assignment.pk]),
        {"from_agent": world.users["agent_with_lease"].pk, "to_agent": ""},
    )
    assert response.status_code == 302
    assert set(Prospect.objects.filter(pk__in=[p.pk for p in mine]).values_list("callback_agent", flat=True)) == {None}
    assert agent_states(assignment=world.assignment).pool_callbacks == 2


@pytest.mark.parametrize("target", ["agent_other_assignment", "supervisor", "same"])
def test_callbacks_only_to_another_agent_of_the_assignment(world: World, target: str) -> None:
    mine = _make_callbacks(world, "agent_with_lease", 2)
    to = world.users["agent_with_lease" if target == "same" else target]
    response = world.client_for("supervisor").post(
        reverse("calling:board-reassign", args=[world.assignment.pk]),
        {"from_agent": world.users["agent_with_lease"].pk, "to_agent": to.pk},
    )
    assert response.status_code == 400
    owners = set(Prospect.objects.filter(pk__in=[p.pk for p in mine]).values_list("callback_agent", flat=True))
    assert owners == {world.users["agent_with_lease"].pk}
    assert not AccessLogEntry.objects.filter(action=AccessAction.REASSIGN).exists()


def test_callbacks_of_another_assignments_agent_cannot_be_taken(world: World) -> None:
    theirs = factories.ProspectFactory(assignment=world.other_assignment)
    Prospect.objects.filter(pk=theirs.pk).update(
        status=ProspectStatus.CALLBACK,
        callback_at=timezone.now(),
        callback_agent=world.users["agent_other_assignment"],
    )
    response = world.client_for("supervisor").post(
        reverse("calling:board-reassign", args=[world.assignment.pk]),
        {"from_agent": world.users["agent_other_assignment"].pk, "to_agent": world.users["agent_without_lease"].pk},
    )
    assert response.status_code == 400
    assert Prospect.objects.get(pk=theirs.pk).callback_agent == world.users["agent_other_assignment"]


def test_polls_log_the_shown_prospects_once(world: World) -> None:
    http = world.client_for("supervisor")
    for _ in range(3):
        assert http.get(_board_url(world), headers={"HX-Request": "true"}).status_code == 200
    entries = AccessLogEntry.objects.filter(action=AccessAction.LIST, object_type="prospects.prospect")
    assert [e.object_ids for e in entries] == [[str(world.prospect.pk)]]
    # Another prospect on the board: logged again.
    lease = factories.LeaseFactory(prospect=world.unleased_prospect, agent=world.users["agent_without_lease"])
    http.get(_board_url(world), headers={"HX-Request": "true"})
    latest = entries.all().order_by("-pk")
    assert latest.count() == 2 and str(lease.prospect_id) in latest.first().object_ids


def test_poll_answers_the_fragment(world: World) -> None:
    body = world.client_for("supervisor").get(_board_url(world), headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<section id="board"') and "<html" not in body


def test_board_queries_do_not_grow_with_agents_and_leases(world: World) -> None:
    http = world.client_for("supervisor")
    http.get(_board_url(world))  # warm up the session and the caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(_board_url(world), headers={"HX-Request": "true"}).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(5):
        agent = factories.UserFactory(username=f"extra-agent-{i}", role=Role.AGENT)
        assignment_services.assignment_schedule_agent(assignment=world.assignment, user=agent)
        factories.LeaseFactory(prospect=factories.ProspectFactory(assignment=world.assignment), agent=agent)
        factories.CallNoteFactory(prospect=factories.ProspectFactory(assignment=world.assignment), agent=agent)
    _make_callbacks(world, "agent_without_lease", 3, due=2)
    count()  # the new leases are logged once (one INSERT), then the polls show the same
    after = count()
    assert after == before, (before, after)
    assert after <= 12
