"""An agent's pause with state (issue 13 #4): P (or the button) on the workspace or the call
screen, with an optional reason from a fixed list; it ends on resume, on taking the next
prospect and on logout; the supervisor's live board shows who is paused since when (one
query), the progress page the paused time per agent; nobody pauses on another tenant's or
another assignment's work (R-NTK-1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.calling.board import AgentState, agent_pauses, agent_states
from apps.calling.models import Pause, PauseEnd
from apps.calling.pauses import pause_end, pause_start, paused_seconds_per_agent
from apps.core.errors import ServiceError
from apps.prospects.models import Lease
from tests.conftest import World


def _state(world: World, role: str = "agent_without_lease"):  # type: ignore[no-untyped-def]
    board = agent_states(assignment=world.assignment)
    return next(a for a in board.agents if a.agent_id == world.users[role].pk)


def test_pausing_on_the_workspace_shows_on_the_board_and_resume_ends_it(world: World) -> None:
    http = world.client_for("agent_without_lease")
    response = http.post(reverse("calling:pause-start", args=[world.assignment.pk]), {"reason": "lunch"})
    assert response.status_code == 302
    pause = Pause.objects.get()
    assert (pause.agent, pause.assignment, pause.reason, pause.ended_at) == (
        world.users["agent_without_lease"],
        world.assignment,
        "lunch",
        None,
    )
    row = _state(world)
    assert (row.state, row.since) == (AgentState.PAUSED, pause.started_at)
    page = http.get(reverse("calling:workspace", args=[world.assignment.pk])).content.decode()
    assert 'id="resume-button"' in page and "Lunch" in page
    board = world.client_for("supervisor").get(reverse("calling:board", args=[world.assignment.pk]))
    assert "agent-paused" in board.content.decode()

    assert http.post(reverse("calling:resume", args=[world.assignment.pk])).status_code == 302
    pause.refresh_from_db()
    assert pause.ended_by == PauseEnd.RESUMED and pause.ended_at >= pause.started_at
    assert _state(world).state == AgentState.IDLE


def test_taking_the_next_prospect_ends_the_pause(world: World) -> None:
    http = world.client_for("agent_without_lease")
    http.post(reverse("calling:pause-start", args=[world.assignment.pk]), {"reason": ""})
    assert http.post(reverse("calling:next", args=[world.assignment.pk])).status_code == 302
    assert Pause.objects.get().ended_by == PauseEnd.NEXT
    assert _state(world).state != AgentState.PAUSED


def test_the_apis_next_ends_the_pause_too(world: World) -> None:
    pause_start(assignment=world.assignment, agent=world.users["agent_without_lease"])
    api = APIClient()
    api.force_authenticate(world.users["agent_without_lease"])
    assert api.post(reverse("api:assignment-next", args=[world.assignment.pk])).status_code in (200, 204)
    assert Pause.objects.get().ended_by == PauseEnd.NEXT


def test_logging_out_ends_the_pause(world: World) -> None:
    http = world.client_for("agent_without_lease")
    http.post(reverse("calling:pause-start", args=[world.assignment.pk]))
    http.post(reverse("accounts:logout"))
    assert Pause.objects.get().ended_by == PauseEnd.LOGOUT


def test_pausing_on_the_call_screen_puts_the_prospect_back_with_the_reason(world: World) -> None:
    http = world.client_for("agent_with_lease")
    screen = http.get(reverse("calling:screen", args=[world.prospect.pk])).content.decode()
    assert 'id="id_pause_reason"' in screen
    response = http.post(reverse("calling:pause", args=[world.prospect.pk]), {"reason": "technical"})
    assert response.status_code == 302
    assert not Lease.objects.filter(prospect=world.prospect).exists()
    assert Pause.objects.get().reason == "technical"
    assert _state(world, "agent_with_lease").state == AgentState.PAUSED


def test_a_reason_outside_the_list_is_refused_clearly(world: World) -> None:
    http = world.client_for("agent_without_lease")
    response = http.post(
        reverse("calling:pause-start", args=[world.assignment.pk]), {"reason": "<script>"}, follow=True
    )
    assert response.status_code == 200
    assert "Kies een reden uit de lijst, of geen." in response.content.decode()
    assert not Pause.objects.exists()
    with pytest.raises(ServiceError):
        pause_start(assignment=world.assignment, agent=world.users["agent_without_lease"], reason="koffie")


def test_pausing_twice_keeps_the_first_pause(world: World) -> None:
    agent = world.users["agent_without_lease"]
    first = pause_start(assignment=world.assignment, agent=agent, reason="break")
    again = pause_start(assignment=world.assignment, agent=agent, reason="lunch")
    assert again.pk == first.pk and Pause.objects.count() == 1


def test_agent_pauses_is_one_query_and_keeps_to_its_assignment(world: World) -> None:
    agents = [world.users["agent_with_lease"].pk, world.users["agent_without_lease"].pk]
    pause_start(assignment=world.assignment, agent=world.users["agent_without_lease"])
    # Another tenant's agent paused on their own assignment: not on this board.
    pause_start(assignment=world.other_assignment, agent=world.users["agent_other_assignment"])
    now = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        pauses = agent_pauses(
            assignment=world.assignment, agent_ids=[*agents, world.users["agent_other_assignment"].pk], now=now
        )
    assert len(queries) == 1
    assert list(pauses) == [world.users["agent_without_lease"].pk]
    other_board = agent_states(assignment=world.other_assignment)
    assert {a.username: a.state for a in other_board.agents}[world.users["agent_other_assignment"].username] == (
        AgentState.PAUSED
    )


def test_another_assignments_agent_cannot_pause_or_resume_here(world: World) -> None:
    http = world.client_for("agent_other_assignment")
    assert http.post(reverse("calling:pause-start", args=[world.assignment.pk])).status_code == 404
    pause_start(assignment=world.other_assignment, agent=world.users["agent_other_assignment"])
    assert http.post(reverse("calling:resume", args=[world.assignment.pk])).status_code == 404
    assert Pause.objects.get().ended_at is None


def test_paused_time_per_agent_for_the_period(world: World) -> None:
    agent = world.users["agent_without_lease"]
    now = timezone.now()
    Pause.objects.create(
        assignment=world.assignment,
        agent=agent,
        started_at=now - dt.timedelta(minutes=50),
        ended_at=now - dt.timedelta(minutes=30),
        ended_by=PauseEnd.RESUMED,
    )
    Pause.objects.create(assignment=world.assignment, agent=agent, started_at=now - dt.timedelta(minutes=10))
    totals = paused_seconds_per_agent(
        assignment=world.assignment, start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=1), now=now
    )
    assert totals == {agent.username: 30 * 60}
    assert (
        paused_seconds_per_agent(assignment=world.other_assignment, start=now - dt.timedelta(hours=1), end=now, now=now)
        == {}
    )
    page = world.client_for("supervisor").get(reverse("calling:progress", args=[world.assignment.pk]))
    assert 'id="paused-time-title"' in page.content.decode()
    client_page = world.client_for("client_same_tenant").get(reverse("calling:progress", args=[world.assignment.pk]))
    assert 'id="paused-time-title"' not in client_page.content.decode()  # per agent: staff only
    assert pause_end(agent=agent, cause=PauseEnd.RESUMED) == 1
