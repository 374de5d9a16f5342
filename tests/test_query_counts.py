"""SPEC §7: list pages and API lists run a bounded number of queries whatever the data size."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import Role
from tests.factories import AssignmentFactory, ProspectFactory, UserFactory
from tests.twofactor import log_in_verified


@pytest.fixture
def busy_client(db):  # type: ignore[no-untyped-def]
    """A client user whose client has many assignments with prospects."""
    user = UserFactory(role=Role.CLIENT)

    def add(n: int) -> None:
        for _ in range(n):
            assignment = AssignmentFactory(client=user.client)
            ProspectFactory.create_batch(3, assignment=assignment)

    return user, add


def count_queries(django_assert_max_num_queries, call, limit: int) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(limit):
        response = call()
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_api_assignment_list_queries_do_not_grow(busy_client, django_assert_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    user, add = busy_client
    add(size)
    api = APIClient()
    api.force_authenticate(user)
    # count, page of assignments with counts, prefetched results
    with django_assert_num_queries(3):
        assert api.get(reverse("api:assignment-list")).status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_start_page_queries_do_not_grow(busy_client, django_assert_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    user, add = busy_client
    add(size)
    http = pytest.importorskip("django.test").Client()
    http.force_login(user)
    # user, the user's client, the assignment list with counts (the session from the cache,
    # written there at login: apps.accounts.cached, issue 16)
    with django_assert_num_queries(3):
        assert http.get(reverse("accounts:home")).status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_admin_assignment_list_queries_do_not_grow(django_assert_num_queries, db, size: int) -> None:  # type: ignore[no-untyped-def]
    from apps.assignments import services

    supervisor = UserFactory(role=Role.SUPERVISOR)
    for _ in range(size):
        services.assignment_add_supervisor(assignment=AssignmentFactory(), user=supervisor)
    http = log_in_verified(supervisor)  # R-SEC-1: staff of this role work in a verified session
    # user, the session's OTP device, count, filtered count, the page of assignments (the
    # session from the cache, written there at login: apps.accounts.cached, issue 16)
    with django_assert_num_queries(5):
        assert http.get(reverse("admin:assignments_assignment_changelist")).status_code == 200
