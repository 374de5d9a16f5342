"""The permission matrix (SPEC R-NTK-1, STYLE "Tests"): every URL pattern × every role × GET/POST.

`test_every_url_pattern_has_a_row` fails when a URL is added without a row here, so no
page, endpoint or admin view can ship without its access rules being stated and tested.
The target of every row belongs to Acme's active assignment (`world.assignment`):
"same tenant" is Acme, "other tenant" is Globex.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.core.admin_site import admin_site
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


MATRIX: dict[str, Row] = {
    "accounts:home": Row(lambda w: reverse("accounts:home"), get=expect(200, anonymous=302), post=expect(405)),
    "accounts:login": Row(
        lambda w: reverse("accounts:login"), get=expect(302, anonymous=200), post=expect(302, anonymous=200)
    ),
    "accounts:logout": Row(lambda w: reverse("accounts:logout"), get=expect(405), post=expect(302)),
    "set_language": Row(lambda w: reverse("set_language"), get=expect(302), post=expect(302)),
    "assignments:detail": Row(
        lambda w: reverse("assignments:detail", args=[w.assignment.pk]),
        get=page_of_target_assignment(),
        post=expect(405),
    ),
    # --- API ------------------------------------------------------------------------
    "api:auth-token": Row(lambda w: reverse("api:auth-token"), get=expect(405), post=expect(400)),
    "api:assignment-list": Row(
        lambda w: reverse("api:assignment-list"), get=expect(200, anonymous=401), post=expect(405, anonymous=401)
    ),
    "api:assignment-detail": Row(
        lambda w: reverse("api:assignment-detail", args=[w.assignment.pk]),
        get=only(SEES_TARGET_ASSIGNMENT, 200, 404, anonymous=401),
        # 405 for any id, existing or not, of any tenant: it tells nothing.
        post=expect(405, anonymous=401),
    ),
    "api-schema": Row(lambda w: reverse("api-schema"), get=expect(200, anonymous=401), post=expect(405, anonymous=401)),
    "api-docs": Row(lambda w: reverse("api-docs"), get=expect(200, anonymous=401), post=expect(405, anonymous=401)),
    # --- Admin site pages (model pages follow from ADMIN_RIGHTS below) ------------------
    "admin:index": Row(
        lambda w: reverse("admin:index"),
        get=only(STAFF_IN_ADMIN, 200, 302, 302),
        post=only(STAFF_IN_ADMIN, 200, 302, 302),
    ),
    # Logged-in staff are sent on from the login page; a posted (empty) form is shown again to anyone.
    "admin:login": Row(lambda w: reverse("admin:login"), get=only(STAFF_IN_ADMIN, 302, 200, 200), post=expect(200)),
    "admin:logout": Row(lambda w: reverse("admin:logout"), get=only(STAFF_IN_ADMIN, 405, 302, 302), post=expect(302)),
    "admin:password_change": Row(
        lambda w: reverse("admin:password_change"),
        get=only(STAFF_IN_ADMIN, 200, 302, 302),
        post=only(STAFF_IN_ADMIN, 200, 302, 302),
    ),
    "admin:password_change_done": Row(
        lambda w: reverse("admin:password_change_done"),
        get=only(STAFF_IN_ADMIN, 200, 302, 302),
        post=only(STAFF_IN_ADMIN, 405, 302, 302),
    ),
    "admin:jsi18n": Row(
        lambda w: reverse("admin:jsi18n"),
        get=only(STAFF_IN_ADMIN, 200, 302, 302),
        post=only(STAFF_IN_ADMIN, 405, 302, 302),
    ),
    # Without its query parameters the autocomplete refuses (403); it never lists anything here.
    "admin:autocomplete": Row(
        lambda w: reverse("admin:autocomplete"),
        get=only(STAFF_IN_ADMIN, 403, 302, 302),
        post=only(STAFF_IN_ADMIN, 405, 302, 302),
    ),
    # Setting a user's password: administrators only.
    "admin:auth_user_password_change": Row(
        lambda w: reverse("admin:auth_user_password_change", args=[w.users["agent_with_lease"].pk]),
        get=only(ADMINS, 200, 302, 302) | {"supervisor": 403, "supervisor_other_assignment": 403},
        post=only(ADMINS, 200, 302, 302) | {"supervisor": 403, "supervisor_other_assignment": 403},
    ),
    # The admin's catch-all: unknown admin paths are 404 for staff, the login for everyone else.
    "unnamed:admin/(?P<url>.*)$": Row(
        lambda w: "/admin/no-such-page/",
        get=only(STAFF_IN_ADMIN, 404, 302, 302),
        post=only(STAFF_IN_ADMIN, 404, 302, 302),
    ),
    "admin:view_on_site": Row(
        lambda w: reverse("admin:view_on_site", args=[1, w.assignment.pk]),
        get=only(STAFF_IN_ADMIN, 404, 302, 302),
        post=only(STAFF_IN_ADMIN, 404, 302, 302),
    ),
    # The app index of the assignments app, and of an app the supervisor has nothing in.
    "admin:app_list": Row(
        lambda w: reverse("admin:app_list", args=["assignments"]),
        get=only(STAFF_IN_ADMIN, 200, 302, 302),
        post=only(STAFF_IN_ADMIN, 200, 302, 302),
    ),
    "admin:app_list#accounts": Row(
        lambda w: reverse("admin:app_list", args=["accounts"]),
        get=only(ADMINS, 200, 302, 302) | {"supervisor": 404, "supervisor_other_assignment": 404},
        post=only(ADMINS, 200, 302, 302) | {"supervisor": 404, "supervisor_other_assignment": 404},
    ),
}

# What each role may do per admin model page. Supervisors see only their own assignments'
# rows (the target rows are theirs); everything not listed is refused with 403.
ADMIN_RIGHTS: dict[str, dict[str, set[str]]] = {
    "accounts.user": {"administrator": {"view", "add", "change"}, "supervisor": set()},
    "clients.client": {"administrator": {"view", "add", "change", "delete"}, "supervisor": {"view"}},
    "clients.clientcontact": {"administrator": {"view", "add", "change", "delete"}, "supervisor": {"view"}},
    "assignments.assignment": {"administrator": {"view", "add", "change", "delete"}, "supervisor": {"view", "change"}},
    "prospects.company": {"administrator": {"view"}, "supervisor": {"view"}},
    "prospects.person": {"administrator": {"view"}, "supervisor": {"view"}},
    "prospects.prospect": {"administrator": {"view"}, "supervisor": {"view"}},
    "callnotes.callnote": {"administrator": {"view"}, "supervisor": {"view"}},
    "audit.accesslogentry": {"administrator": {"view"}, "supervisor": set()},
}

# Models whose rows a supervisor reaches only through the assignments they supervise: the
# other supervisor finds the target row "does not exist" (a redirect to the admin index).
SCOPED_BY_ASSIGNMENT = {
    "assignments.assignment",
    "prospects.company",
    "prospects.person",
    "prospects.prospect",
    "callnotes.callnote",
}

ADMIN_TARGETS: dict[str, Callable[[World], object]] = {
    "accounts.user": lambda w: w.users["agent_with_lease"],
    "clients.client": lambda w: w.acme,
    "clients.clientcontact": lambda w: w.contact,
    "assignments.assignment": lambda w: w.assignment,
    "prospects.company": lambda w: w.company,
    "prospects.person": lambda w: w.person,
    "prospects.prospect": lambda w: w.prospect,
    "callnotes.callnote": lambda w: w.note,
    "audit.accesslogentry": lambda w: w.access_log_entry,
}


def _admin_model_rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for model in admin_site._registry:
        label = model._meta.label_lower
        app, name = model._meta.app_label, model._meta.model_name
        rights = ADMIN_RIGHTS.get(label)
        if rights is None:
            continue  # reported by test_every_admin_model_has_rights

        def table(
            needed: str,
            with_id: bool,
            ok_get: int,
            ok_post: int,
            rights: dict[str, set[str]] = rights,
            label: str = label,
        ) -> tuple[dict, dict]:
            get, post = {}, {}
            for role in ROLES:
                admin_role = {"privacy_officer": "administrator", "supervisor_other_assignment": "supervisor"}.get(
                    role, role
                )
                if admin_role not in rights:
                    get[role] = post[role] = 302  # to the admin login
                elif needed in rights[admin_role] or (needed == "view" and "change" in rights[admin_role]):
                    get[role], post[role] = ok_get, ok_post
                    if role == "supervisor_other_assignment" and with_id and label in SCOPED_BY_ASSIGNMENT:
                        get[role] = post[role] = 302  # "does not exist": the same as a missing id
                else:
                    get[role] = post[role] = 403
            return get, post

        target = ADMIN_TARGETS[label]
        for action, needed, with_id, ok_post in (
            ("changelist", "view", False, 200),
            ("add", "add", False, 200),
            ("change", "view", True, 200),
            ("history", "view", True, 200),
            ("delete", "delete", True, 200),
        ):
            get, post = table(needed, with_id, 200, ok_post)
            if action == "change":
                # Posting an empty change form needs "change"; with "view" only it is refused.
                post = table("change", with_id, 200, 200)[1]

            def url(w: World, action: str = action, with_id: bool = with_id, target=target, app=app, name=name) -> str:
                args = [target(w).pk] if with_id else []
                return reverse(f"admin:{app}_{name}_{action}", args=args)

            rows[f"admin:{app}_{name}_{action}"] = Row(url, get, post)

        def legacy(w: World, target=target, app=app, name=name) -> str:
            return f"/admin/{app}/{name}/{target(w).pk}/"

        # Django's old-style object URL redirects to the change page (after the admin login check).
        rows[f"unnamed:admin/{app}/{name}/<path:object_id>/"] = Row(legacy, expect(302), expect(302))
    return rows


FULL_MATRIX = MATRIX | _admin_model_rows()


def _walk(patterns, prefix: str = "", namespace: str = ""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else f"unnamed:{prefix}{p.pattern}"


def test_every_url_pattern_has_a_row() -> None:
    keys = {key.split("#")[0] for key in FULL_MATRIX}
    missing = sorted(set(_walk(get_resolver().url_patterns)) - keys)
    assert not missing, f"URL patterns without a row in the permission matrix: {missing}"


def test_every_admin_model_has_rights() -> None:
    labels = {model._meta.label_lower for model in admin_site._registry}
    assert labels == set(ADMIN_RIGHTS) == set(ADMIN_TARGETS)


CASES = [(key, role, method) for key in FULL_MATRIX for role in ROLES for method in ("get", "post")]


@pytest.mark.parametrize(("key", "role", "method"), CASES, ids=[f"{k}|{r}|{m}" for k, r, m in CASES])
def test_permission_matrix(module_world: World, db: None, key: str, role: str, method: str) -> None:
    world = module_world
    row = FULL_MATRIX[key]
    url = row.url(world)
    expected = getattr(row, method)[role]
    http = world.client_for(role)
    response = getattr(http, method)(url)
    assert response.status_code == expected, f"{method.upper()} {url} as {role}: {response.status_code}"
    if expected == 302 and role == "anonymous" and not key.startswith(("admin:", "unnamed:", "set_language")):
        assert response["Location"].startswith(reverse("accounts:login"))
