"""Rows of the call-agent's workspace (issue 4): the queue, the call screen, notes, progress, agent API.

The call screen and its actions are the agent's alone and only with the lease (R-NTK-2):
everyone else gets the same 404 as for an id that does not exist.
"""

from __future__ import annotations

from django.urls import reverse

from tests.matrix import ADMINS, SEES_TARGET_ASSIGNMENT, Row, expect, only, page_of_target_assignment
from tests.matrix.client_database import _difference

AGENTS_ON_TARGET = {"agent_with_lease", "agent_without_lease"}
SUPERVISES_TARGET = {"client_same_tenant", "supervisor"} | ADMINS
LEASE_HOLDER = {"agent_with_lease"}
OVERSEES_TARGET = {"supervisor"} | ADMINS
# SPEC §5: verify / left-company by the agent holding the lease, the client and the supervisor.
EDITS_TARGET_PERSON = {"agent_with_lease", "client_same_tenant", "supervisor"}


def _screen(name: str, ok_post: int) -> Row:
    return Row(
        lambda w: reverse(f"calling:{name}", args=[w.prospect.pk]),
        get=expect(405),
        post=only(LEASE_HOLDER, ok_post, 404, anonymous=302),
    )


ROWS: dict[str, Row] = {
    "calling:workspace": Row(
        lambda w: reverse("calling:workspace", args=[w.assignment.pk]),
        get=only(AGENTS_ON_TARGET, 200, 404, anonymous=302),
        post=expect(405),
    ),
    "calling:next": Row(
        lambda w: reverse("calling:next", args=[w.assignment.pk]),
        get=expect(405),
        post=only(AGENTS_ON_TARGET, 302, 404, anonymous=302),
    ),
    "calling:contacts": Row(
        lambda w: reverse("calling:contacts", args=[w.assignment.pk]), get=page_of_target_assignment(), post=expect(405)
    ),
    "calling:notes": Row(
        lambda w: reverse("calling:notes", args=[w.assignment.pk]), get=page_of_target_assignment(), post=expect(405)
    ),
    "calling:progress": Row(
        lambda w: reverse("calling:progress", args=[w.assignment.pk]),
        get=only(SUPERVISES_TARGET, 200, 404, anonymous=302),
        post=expect(405),
    ),
    # The live board (R-SUP-1): the staff who supervise the assignment look (its supervisor,
    # the administrators); the client's users hold "supervise" but not the staff's working
    # day: 404 like everyone else outside. Only the assignment's supervisor acts: an empty
    # form is refused with 400; administrators, who may look, get 403.
    "calling:board": Row(
        lambda w: reverse("calling:board", args=[w.assignment.pk]),
        get=only(OVERSEES_TARGET, 200, 404, anonymous=302),
        post=expect(405),
    ),
    "calling:board-release": Row(
        lambda w: reverse("calling:board-release", args=[w.assignment.pk]),
        get=expect(405),
        post=only({"supervisor"}, 400, 404, anonymous=302) | dict.fromkeys(ADMINS, 403),
    ),
    "calling:board-reassign": Row(
        lambda w: reverse("calling:board-reassign", args=[w.assignment.pk]),
        get=expect(405),
        post=only({"supervisor"}, 400, 404, anonymous=302) | dict.fromkeys(ADMINS, 403),
    ),
    "calling:screen": Row(
        lambda w: reverse("calling:screen", args=[w.prospect.pk]),
        get=only(LEASE_HOLDER, 200, 404, anonymous=302),
        post=expect(405),
    ),
    # Empty forms: the lease holder is told what is missing (400), everyone else finds nothing.
    "calling:call": _screen("call", 400),
    # The lease holder is sent back to the prospect they hold; nobody else finds it.
    "calling:callback-take": _screen("callback-take", 302),
    "calling:company": _screen("company", 400),
    # The panel of differences to verify; a decision missing: the panel says so (400).
    "calling:differences": Row(
        lambda w: reverse("calling:differences", args=[w.prospect.pk]),
        get=only(LEASE_HOLDER, 200, 404, anonymous=302),
        post=expect(405),
    ),
    "calling:difference-resolve": Row(
        lambda w: reverse("calling:difference-resolve", args=[w.prospect.pk, _difference(w)]),
        get=expect(405),
        post=only(LEASE_HOLDER, 400, 404, anonymous=302),
    ),
    "calling:person-add": _screen("person-add", 400),
    # An empty verify form confirms the person as they stand.
    "calling:person-verify": Row(
        lambda w: reverse("calling:person-verify", args=[w.prospect.pk, w.person.pk]),
        get=expect(405),
        post=only(LEASE_HOLDER, 302, 404, anonymous=302),
    ),
    "calling:person-left": Row(
        lambda w: reverse("calling:person-left", args=[w.prospect.pk, w.person.pk]),
        get=only(LEASE_HOLDER, 200, 404, anonymous=302),
        post=only(LEASE_HOLDER, 302, 404, anonymous=302),
    ),
    # "Consent given" (R-CON-1): the agent holding the lease, sent back to the screen.
    "calling:person-consent": Row(
        lambda w: reverse("calling:person-consent", args=[w.prospect.pk, w.person.pk]),
        get=expect(405),
        post=only(LEASE_HOLDER, 302, 404, anonymous=302),
    ),
    # --- API ------------------------------------------------------------------------
    "api:assignment-next": Row(
        lambda w: reverse("api:assignment-next", args=[w.assignment.pk]),
        get=expect(405, anonymous=401),
        post=only(AGENTS_ON_TARGET, 200, 404, anonymous=401),
    ),
    "api:assignment-call-notes": Row(
        lambda w: reverse("api:assignment-call-notes", args=[w.assignment.pk]),
        get=only(SEES_TARGET_ASSIGNMENT, 200, 404, anonymous=401),
        post=expect(405, anonymous=401),
    ),
    "api:prospect-calls": Row(
        lambda w: reverse("api:prospect-calls", args=[w.prospect.pk]),
        get=expect(405, anonymous=401),
        post=only(LEASE_HOLDER, 400, 404, anonymous=401),
    ),
    # Administrators see every person but do not edit them through this API: 403.
    "api:person-verify": Row(
        lambda w: reverse("api:person-verify", args=[w.person.pk]),
        get=expect(405, anonymous=401),
        post=only(EDITS_TARGET_PERSON, 200, 404, anonymous=401) | dict.fromkeys(ADMINS, 403),
    ),
    "api:person-left-company": Row(
        lambda w: reverse("api:person-left-company", args=[w.person.pk]),
        get=expect(405, anonymous=401),
        post=only(EDITS_TARGET_PERSON, 204, 404, anonymous=401) | dict.fromkeys(ADMINS, 403),
    ),
    # Consent is heard on a call: only the agent holding the lease records it (201). Those
    # who see the person but do not call (client, supervisor, administrators) get 403.
    "api:person-consent": Row(
        lambda w: reverse("api:person-consent", args=[w.person.pk]),
        get=expect(405, anonymous=401),
        post=only(LEASE_HOLDER, 201, 404, anonymous=401)
        | dict.fromkeys(EDITS_TARGET_PERSON - LEASE_HOLDER, 403)
        | dict.fromkeys(ADMINS, 403),
    ),
}
