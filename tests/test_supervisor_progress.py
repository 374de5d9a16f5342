"""The progress page's charts (issue 13 #7, R-SUP-1): calls per hour and per day, the results
funnel, appointment rate and handle time per agent, over a chosen period with totals, as
server-side SVG under the strict CSP; aggregated in SQL in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.assignments.models import CallResult
from apps.calling import charts
from apps.calling.figures import Period, assignment_figures, handle_time_recorded
from tests import factories
from tests.conftest import World
from tests.security_headers import security_header_problems

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 11, 25)  # a Wednesday


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=AMSTERDAM)


def _call(world: World, agent: str, code: str, when: dt.datetime, assignment=None) -> None:  # type: ignore[no-untyped-def]
    assignment = assignment or world.assignment
    factories.CallNoteFactory(
        prospect=factories.ProspectFactory(assignment=assignment),
        agent=world.users[agent],
        result=CallResult.objects.get(assignment=assignment, code=code),
        created_at=when,
    )


@pytest.fixture
def calls(world: World) -> World:
    # The world's own note (now) lies outside these periods.
    _call(world, "agent_with_lease", "appointment", at(24, 9, 15))
    _call(world, "agent_with_lease", "no-answer", at(24, 9, 45))
    _call(world, "agent_with_lease", "not-interested", at(25, 14, 5))
    _call(world, "agent_without_lease", "appointment", at(25, 14, 30))
    # 23:30 in Amsterdam is 22:30 UTC: still the 25th on the wall clock.
    _call(world, "agent_without_lease", "no-answer", at(25, 23, 30))
    # Another tenant's calls never count here (R-NTK-1).
    _call(world, "agent_other_assignment", "appointment", at(25, 10), assignment=world.other_assignment)
    return world


def test_figures_over_a_period(calls: World) -> None:
    figures = assignment_figures(assignment=calls.assignment, period=Period(dt.date(2026, 11, 24), TODAY))
    assert (figures.calls, figures.prospects_called, figures.reached, figures.appointments) == (5, 5, 3, 2)
    assert figures.appointment_rate == pytest.approx(0.4)
    assert dict(figures.per_day) == {dt.date(2026, 11, 24): 2, dt.date(2026, 11, 25): 3}
    hours = dict(figures.per_hour)
    assert (hours[9], hours[14], hours[23], hours[22]) == (2, 2, 1, 0) and sum(hours.values()) == 5
    assert figures.funnel[0][1] == 5 and [n for _, n in figures.funnel] == [5, 3, 2]
    by_code = {r.code: n for r, n in figures.per_result}
    assert by_code == {
        "appointment": 2,
        "interested": 0,
        "not-interested": 1,
        "no-answer": 2,
        "call-back": 0,
        "wrong-number": 0,
    }
    agents = {a.username: (a.calls, a.appointments) for a in figures.per_agent}
    assert agents == {"agent-lease": (3, 1), "agent-nolease": (2, 1)}


def test_one_day_period_ends_at_midnight_amsterdam(calls: World) -> None:
    figures = assignment_figures(assignment=calls.assignment, period=Period(TODAY, TODAY))
    assert figures.calls == 3 and figures.per_day == [(TODAY, 3)]
    before = assignment_figures(
        assignment=calls.assignment, period=Period(dt.date(2026, 11, 24), dt.date(2026, 11, 24))
    )
    assert before.calls == 2


def test_named_periods() -> None:
    assert Period.named("today", TODAY) == Period(TODAY, TODAY, "today")
    assert Period.named("week", TODAY) == Period(dt.date(2026, 11, 23), TODAY, "week")
    assert Period.named("30d", TODAY) == Period(dt.date(2026, 10, 27), TODAY, "30d")
    assert Period.named("anything", TODAY).key == "30d"


def _page(world: World, role: str, **params: str):  # type: ignore[no-untyped-def]
    with time_machine.travel(at(25, 23, 45), tick=False):
        http = world.client_for(role)
        return http.get(reverse("calling:progress", args=[world.assignment.pk]), params)


def test_supervisor_sees_charts_with_totals_and_no_per_day_table(calls: World) -> None:
    response = _page(calls, "supervisor", period="week")
    body = response.content.decode()
    assert response.status_code == 200 and not security_header_problems(response)
    for ident in ("calls-per-hour", "calls-per-day", "funnel", "per-result", "appointment-rate", "by-status"):
        assert f'aria-labelledby="{ident}-title"' in body
    assert "<table" not in body  # the flat per-day table went
    assert "style=" not in body and "<script>" not in body  # R-SEC-2
    # Totals of this week (Monday 23 - Wednesday 25).
    assert "<dd>5</dd>" in body and "<dd>40%</dd>" in body
    assert "agent-lease" in body and "33% (1/3)" in body
    # Globex's call is not in Acme's figures.
    assert "<dd>6</dd>" not in body


def test_client_sees_the_figures_but_not_each_agent(calls: World) -> None:
    body = _page(calls, "client_same_tenant", period="week").content.decode()
    assert "<dd>5</dd>" in body and "calls-per-day-title" in body
    assert "agent-lease" not in body and "agent-nolease" not in body and "appointment-rate-title" not in body
    assert reverse("calling:board", args=[calls.assignment.pk]) not in body


@pytest.mark.parametrize("role", ["client_other_tenant", "supervisor_other_assignment", "agent_with_lease"])
def test_others_get_404_and_no_figures(calls: World, role: str) -> None:
    response = _page(calls, role, period="week")
    assert response.status_code == 404 and "agent-lease" not in response.content.decode()


def test_custom_period(calls: World) -> None:
    body = _page(calls, "supervisor", period="custom", start="2026-11-24", end="2026-11-24").content.decode()
    assert "<dd>2</dd>" in body and "24-11-2026" in body


@pytest.mark.parametrize(
    "params",
    [
        {"period": "custom"},
        {"period": "custom", "start": "2026-11-25", "end": "2026-11-01"},
        {"period": "custom", "start": "2020-01-01", "end": "2026-11-01"},
        {"period": "custom", "start": "gisteren", "end": "2026-11-01"},
        {"period": "decade"},
    ],
)
def test_bad_period_is_a_form_error_not_a_500(calls: World, params: dict[str, str]) -> None:
    response = _page(calls, "supervisor", **params)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_handle_time_is_left_out_until_it_is_recorded(calls: World) -> None:
    body = _page(calls, "supervisor", period="week").content.decode()
    assert ("handle-time-title" in body) == handle_time_recorded()


def test_queries_do_not_grow_with_calls_agents_or_days(world: World) -> None:
    http = world.client_for("supervisor")
    url = reverse("calling:progress", args=[world.assignment.pk])
    http.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(url, {"period": "30d"}).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    from apps.accounts.models import Role

    for i in range(4):
        agent = factories.UserFactory(username=f"busy-{i}", role=Role.AGENT)
        for day in range(3):
            for code in ("appointment", "no-answer"):
                world.users[f"busy-{i}"] = agent
                _call(world, f"busy-{i}", code, at(20 + day, 10 + i))
    after = count()
    assert after == before, (before, after)
    assert after <= 16


def test_chart_text_is_escaped() -> None:
    svg = charts.rows([charts.Bar("<script>x</script>", 3, "3")], ident="t", title="<b>", empty_text="-")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    empty = charts.columns([charts.Bar("a", 0, "0")], ident="e", title="T", empty_text="Niets")
    assert "Niets" in empty and "<rect" not in empty
