"""Rows of the foundation: login, start pages, assignment overview, API skeleton, admin site."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from tests.conftest import World
from tests.matrix import ADMINS, SEES_TARGET_ASSIGNMENT, STAFF_IN_ADMIN, Row, expect, only, page_of_target_assignment


def _fresh_token_id(w: World) -> object:
    from apps.accounts.tokens import api_token_create

    return api_token_create(user=w.users["client_same_tenant"])[0].pk


ROWS: dict[str, Row] = {
    "accounts:home": Row(lambda w: reverse("accounts:home"), get=expect(200, anonymous=302), post=expect(405)),
    "accounts:login": Row(
        lambda w: reverse("accounts:login"), get=expect(302, anonymous=200), post=expect(302, anonymous=200)
    ),
    "accounts:logout": Row(lambda w: reverse("accounts:logout"), get=expect(405), post=expect(302)),
    # Issue 15 #8: one's own API tokens. The revoke row's token belongs to client_same_tenant
    # (made afresh per request): only its owner revokes it, anyone else meets 404.
    "accounts:session-keep-alive": Row(
        lambda w: reverse("accounts:session-keep-alive"), get=expect(405), post=expect(204, anonymous=302)
    ),
    "accounts:tokens": Row(lambda w: reverse("accounts:tokens"), get=expect(200, anonymous=302), post=expect(405)),
    # Issue 15 #10: the board's page for board and privacy-officer accounts; a 404 for everyone
    # else, administrators and privacy officers included. Posting an empty form re-renders it.
    "accounts:board-accounts": Row(
        lambda w: reverse("accounts:board-accounts"),
        get=only({"board"}, 200, 404, anonymous=302),
        post=only({"board"}, 200, 404, anonymous=302),
    ),
    "accounts:token-revoke": Row(
        lambda w: reverse("accounts:token-revoke", args=[_fresh_token_id(w)]),
        get=expect(405),
        post=expect(404, client_same_tenant=302, anonymous=302),
    ),
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
    "api-docs": Row(lambda w: reverse("api-docs"), get=expect(200, anonymous=302), post=expect(405, anonymous=401)),
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
