"""Downloads are for the client's users only (issue 11 #9, policy §3, SPEC §5): supervisors
and administrators see the database in the application, never as a file on a workstation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.assignments import services as assignment_services
from apps.assignments.models import AssignmentUserObjectPermission
from apps.audit.models import AccessAction, AccessLogEntry
from apps.core.access import AssignmentPerm, assignment_perms_for, assignments_visible_to
from tests import factories
from tests.conftest import World
from tests.imports.helpers import csv_download

pytestmark = pytest.mark.django_db

STAFF = ("supervisor", "administrator", "privacy_officer")


def _api(world: World, role: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.users[role])
    return api


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_staff_cannot_download_the_database_through_the_api(world: World, role: str, file_format: str) -> None:
    url = reverse("api:assignment-export", args=[world.assignment.pk]) + f"?format={file_format}"
    response = _api(world, role).get(url)
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert world.person.email.encode() not in response.content
    assert not AccessLogEntry.objects.filter(action=AccessAction.DOWNLOAD).exists()


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_staff_cannot_download_the_database_from_the_portal(world: World, role: str, file_format: str) -> None:
    response = world.client_for(role).get(reverse("portal:export", args=[world.assignment.pk, file_format]))
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert not AccessLogEntry.objects.filter(action=AccessAction.DOWNLOAD).exists()


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_the_database_in_the_application_without_a_download_button(world: World, role: str) -> None:
    http = world.client_for(role)
    for name in ("portal:assignment", "portal:database"):
        page = http.get(reverse(name, args=[world.assignment.pk]))
        assert page.status_code == 200
        assert reverse("portal:export", args=[world.assignment.pk, "xlsx"]) not in page.content.decode(), name
        assert reverse("portal:export", args=[world.assignment.pk, "csv"]) not in page.content.decode(), name


def test_the_client_still_downloads_and_sees_the_button(world: World) -> None:
    http = world.client_for("client_same_tenant")
    for name in ("portal:assignment", "portal:database"):
        page = http.get(reverse(name, args=[world.assignment.pk])).content.decode()
        assert reverse("portal:export", args=[world.assignment.pk, "xlsx"]) in page, name
    response = _api(world, "client_same_tenant").get(
        reverse("api:assignment-export", args=[world.assignment.pk]) + "?format=csv"
    )
    assert response.status_code == 200
    assert world.person.email in csv_download(b"".join(response.streaming_content))["database.csv"]


def test_other_tenant_still_gets_404_not_403(world: World) -> None:
    """A refusal must not tell another tenant that the assignment exists (R-NTK-1)."""
    url = reverse("api:assignment-export", args=[world.assignment.pk]) + "?format=csv"
    assert _api(world, "client_other_tenant").get(url).status_code == 404
    assert _api(world, "supervisor_other_assignment").get(url).status_code == 404
    assert _api(world, "agent_with_lease").get(url).status_code == 404


def test_no_staff_role_holds_the_download_permission(world: World) -> None:
    assignment = world.assignment
    for role in ("supervisor", "administrator", "privacy_officer", "agent_with_lease", "board"):
        user = world.users[role]
        assert AssignmentPerm.DOWNLOAD not in assignment_perms_for(user, assignment), role
        assert not assignments_visible_to(user, AssignmentPerm.DOWNLOAD).exists(), role
    assert AssignmentPerm.DOWNLOAD in assignment_perms_for(world.users["client_same_tenant"], assignment)


def test_adding_a_supervisor_grants_no_download_row(world: World) -> None:
    supervisor = factories.UserFactory(role="supervisor")
    assignment_services.assignment_add_supervisor(assignment=world.assignment, user=supervisor)
    codenames = set(
        AssignmentUserObjectPermission.objects.filter(user=supervisor).values_list("permission__codename", flat=True)
    )
    assert codenames == {"view_assignment", "supervise_assignment"}


@pytest.mark.parametrize(
    ("role", "promised"), [("supervisor", False), ("administrator", False), ("client_same_tenant", True)]
)
def test_the_assignment_overview_promises_a_download_to_the_client_only(
    world: World, role: str, promised: bool
) -> None:
    page = world.client_for(role).get(reverse("assignments:detail", args=[world.assignment.pk])).content.decode()
    assert ("Database, upload and download" in page) is promised
    assert ("Database and upload" in page) is not promised


def test_the_file_itself_refuses_staff_whatever_view_calls_it(world: World) -> None:
    """Defence in depth: a future view that forgets get_assignment_to_download still
    hands no file to staff."""
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from apps.imports.api import export_response

    request = RequestFactory().get("/")
    request.user = world.users["supervisor"]
    with pytest.raises(PermissionDenied):
        export_response(request, world.assignment, "csv")
    assert not AccessLogEntry.objects.filter(action=AccessAction.DOWNLOAD).exists()
