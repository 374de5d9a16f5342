"""The agent's own callbacks on the workspace (R-NTK-2: "a callback they scheduled
themselves"): listed soonest first, callable before their time, nobody else's."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AccessAction, AccessLogEntry
from apps.callnotes.models import CallNote
from apps.prospects.models import Lease, Prospect, ProspectStatus
from tests.conftest import World
from tests.factories import CompanyFactory, ProspectFactory


def schedule(world: World, role: str, *, hours: float, name: str) -> Prospect:
    """A prospect of the target assignment that `role` has to call back in `hours`."""
    return ProspectFactory(
        assignment=world.assignment,
        company=CompanyFactory(name=name),
        status=ProspectStatus.CALLBACK,
        callback_at=timezone.now() + dt.timedelta(hours=hours),
        callback_agent=world.users[role],
    )


def workspace(world: World, role: str = "agent_without_lease"):  # type: ignore[no-untyped-def]
    return world.client_for(role).get(reverse("calling:workspace", args=[world.assignment.pk]))


def test_workspace_lists_my_callbacks_soonest_first_and_not_a_colleagues(world: World) -> None:
    schedule(world, "agent_without_lease", hours=5, name="Later BV")
    schedule(world, "agent_without_lease", hours=-1, name="Overdue BV")
    schedule(world, "agent_with_lease", hours=2, name="Colleague BV")

    page = workspace(world).content.decode()

    assert page.index("Overdue BV") < page.index("Later BV")
    assert "Colleague BV" not in page
    assert 'class="due"' in page  # the overdue one is marked


def test_the_list_is_access_logged_with_every_prospect_shown(world: World) -> None:
    mine = [schedule(world, "agent_without_lease", hours=h, name=f"Mine {h} BV") for h in (1, 2)]
    workspace(world)
    entry = AccessLogEntry.objects.get(actor_id=world.users["agent_without_lease"].pk, action=AccessAction.LIST)
    assert sorted(entry.object_ids) == sorted(str(p.pk) for p in mine)


def test_workspace_without_callbacks_says_so_and_logs_nothing(world: World) -> None:
    response = workspace(world)
    assert response.status_code == 200
    assert not AccessLogEntry.objects.filter(action=AccessAction.LIST).exists()


def test_call_now_leases_my_callback_and_opens_the_screen(world: World) -> None:
    prospect = schedule(world, "agent_without_lease", hours=3, name="Early BV")
    http = world.client_for("agent_without_lease")

    response = http.post(reverse("calling:callback-take", args=[prospect.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("calling:screen", args=[prospect.pk])
    lease = Lease.objects.get(prospect=prospect)
    assert lease.agent == world.users["agent_without_lease"]
    # Holding the lease, the agent can record the call before the callback's time.
    result = world.assignment.results.get(code="not-interested")
    assert http.post(reverse("calling:call", args=[prospect.pk]), {"result": result.pk}).status_code == 302
    assert CallNote.objects.filter(prospect=prospect).count() == 1


def test_call_now_while_holding_another_prospect_returns_to_that_one(world: World) -> None:
    prospect = schedule(world, "agent_with_lease", hours=3, name="Waiting BV")
    http = world.client_for("agent_with_lease")  # holds the lease of world.prospect

    response = http.post(reverse("calling:callback-take", args=[prospect.pk]), follow=False)

    assert response["Location"] == reverse("calling:screen", args=[world.prospect.pk])
    assert not Lease.objects.filter(prospect=prospect).exists()


def test_a_colleagues_callback_cannot_be_taken_and_looks_like_nothing(world: World) -> None:
    prospect = schedule(world, "agent_with_lease", hours=3, name="Theirs BV")
    http = world.client_for("agent_without_lease")
    assert http.post(reverse("calling:callback-take", args=[prospect.pk])).status_code == 404
    assert http.post(reverse("calling:callback-take", args=[ProspectFactory().pk])).status_code == 404
    assert not Lease.objects.filter(prospect=prospect).exists()


def test_an_inactive_assignment_hides_the_list_and_the_action(world: World) -> None:
    from apps.assignments import services as assignment_services

    prospect = schedule(world, "agent_without_lease", hours=3, name="Stopped BV")
    supervisor = world.users["supervisor"]
    assignment_services.assignment_set_active(assignment=world.assignment, active=False, actor=supervisor)
    http = world.client_for("agent_without_lease")
    assert workspace(world).status_code == 404
    assert http.post(reverse("calling:callback-take", args=[prospect.pk])).status_code == 404


def test_workspace_queries_do_not_grow_with_the_callbacks(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for hours in range(1, 30):
        schedule(world, "agent_without_lease", hours=hours, name=f"Company {hours} BV")
    http = world.client_for("agent_without_lease")
    url = reverse("calling:workspace", args=[world.assignment.pk])
    # session, user, assignment (access), callbacks, the agent's figures of today, access log
    with django_assert_max_num_queries(6):
        assert http.get(url).status_code == 200
