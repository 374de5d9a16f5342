"""Rows of the access-history pages (R-LOG-1, policy §3; issue 11 item 5).

- `portal:prospect-access`: who consulted one record, for whoever holds the database (the
  client's users, the assignment's supervisors, administrators); everyone else, another
  tenant included, gets the 404 of a record that does not exist (R-NTK-1).
- `privacy_case:person-access`: who consulted one person, for privacy officers only.
"""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import World
from tests.matrix import ADMINS, Row, expect, only

HOLDERS = {"client_same_tenant", "supervisor"} | ADMINS


def _prospect(w: World) -> str:
    return reverse("portal:prospect-access", args=[w.prospect.pk])


def _person(w: World) -> str:
    return reverse("privacy_case:person-access", args=[w.person.pk])


ROWS: dict[str, Row] = {
    "portal:prospect-access": Row(_prospect, get=only(HOLDERS, 200, 404, anonymous=302), post=expect(405)),
    "privacy_case:person-access": Row(
        _person,
        get=only({"privacy_officer"}, 200, 404, anonymous=302),
        post=only({"privacy_officer"}, 405, 404, anonymous=302),
    ),
}
