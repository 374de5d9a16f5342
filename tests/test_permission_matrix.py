"""The permission matrix (SPEC R-NTK-1, STYLE "Tests"): every URL pattern × every role × GET/POST.

`test_every_url_pattern_has_a_row` fails when a URL is added without a row, so no page,
endpoint or admin view can ship without its access rules being stated and tested. Rows
live in `tests/matrix/*.py` (one module per feature, each a dict ROWS); admin model pages
follow from ADMIN_RIGHTS below. The target of every row belongs to Acme's active
assignment (`world.assignment`): "same tenant" is Acme, "other tenant" is Globex.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.matrix
from apps.core.admin_site import admin_site
from tests.conftest import ROLES, World
from tests.matrix import Row, expect
from tests.security_headers import security_header_problems


def _gather(name: str) -> dict:
    """Merge the dict (or set) `name` of every module in tests/matrix (ROWS, ADMIN_RIGHTS, ...)."""
    merged: dict = {}
    for module_info in pkgutil.iter_modules(tests.matrix.__path__):
        module = importlib.import_module(f"tests.matrix.{module_info.name}")
        part = getattr(module, name, {})
        if isinstance(part, set):
            part = dict.fromkeys(part)
        duplicated = set(merged) & set(part)
        assert not duplicated, f"{name} stated twice: {duplicated}"
        merged |= part
    return merged


MATRIX: dict[str, Row] = _gather("ROWS")
# What each role may do per admin model page, and the object each model's pages are tried on.
ADMIN_RIGHTS: dict[str, dict[str, set[str]]] = _gather("ADMIN_RIGHTS")
ADMIN_TARGETS: dict[str, Callable[[World], object]] = _gather("ADMIN_TARGETS")
# Models whose rows a supervisor reaches only through the assignments they supervise: the
# other supervisor finds the target row "does not exist" (a redirect to the admin index).
SCOPED_BY_ASSIGNMENT: set[str] = set(_gather("SCOPED_BY_ASSIGNMENT"))


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
    # R-SEC-2: whatever the answer (a page, a download, JSON, a refusal, a redirect), it
    # carries the strict CSP, the Permissions-Policy and no-store.
    problems = security_header_problems(response)
    assert not problems, f"{method.upper()} {url} as {role}: {problems}"
    if expected == 302 and role == "anonymous" and not key.startswith(("admin:", "unnamed:", "set_language")):
        assert response["Location"].startswith(reverse("accounts:login"))
