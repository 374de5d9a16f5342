"""The permission matrix's vocabulary: roles, role groups and rows.

Each feature states its rows in a module of this package (`foundation.py`, ...) as a
dict named ROWS; `tests/test_permission_matrix.py` gathers them all and fails when a URL
pattern has no row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.conftest import ROLES, World

# Role groups used to state the rows.
STAFF_IN_ADMIN = {"supervisor", "supervisor_other_assignment", "administrator", "privacy_officer"}
ADMINS = {"administrator", "privacy_officer"}
SEES_TARGET_ASSIGNMENT = {"agent_with_lease", "agent_without_lease", "client_same_tenant", "supervisor"} | ADMINS


def expect(default: int, **by_role: int) -> dict[str, int]:
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: by_role.get(role, default) for role in ROLES}


def only(roles: set[str], ok: int, other: int, anonymous: int) -> dict[str, int]:
    table = {role: (ok if role in roles else other) for role in ROLES}
    table["anonymous"] = anonymous
    return table


@dataclass(frozen=True)
class Row:
    url: Callable[[World], str]
    get: dict[str, int]
    post: dict[str, int]


def page_of_target_assignment(ok: int = 200) -> dict[str, int]:
    return only(SEES_TARGET_ASSIGNMENT, ok, 404, anonymous=302)
