"""Rows of two-factor authentication (R-SEC-1, issue 15 #7).

Every role here has a verified session (World.client_for): the staff roles that must use
2FA hold an authenticator, agents and client users none (their role does not require it).
The enforcement for unverified sessions is walked over this whole matrix in
tests/test_two_factor.py.
"""

from __future__ import annotations

from django.urls import reverse

from tests.matrix import ADMINS, Row, expect, only

ENFORCED = {"supervisor", "supervisor_other_assignment", "administrator", "privacy_officer", "board"}
NOT_ENFORCED = {"agent_with_lease", "agent_without_lease", "agent_other_assignment"} | {
    "client_same_tenant",
    "client_other_tenant",
}

ROWS: dict[str, Row] = {
    "accounts:two-factor": Row(
        lambda w: reverse("accounts:two-factor"), get=expect(200, anonymous=302), post=expect(405)
    ),
    # Enrolment: those who have an authenticator are sent on (to their settings); the others
    # see the QR code (GET) or the form again with its error (an empty POST).
    "accounts:two-factor-setup": Row(
        lambda w: reverse("accounts:two-factor-setup"),
        get=only(NOT_ENFORCED, 200, 302, anonymous=302),
        post=only(NOT_ENFORCED, 200, 302, anonymous=302),
    ),
    # A verified session is sent on; a user without an authenticator to the enrolment.
    "accounts:two-factor-verify": Row(
        lambda w: reverse("accounts:two-factor-verify"), get=expect(302), post=expect(302)
    ),
    # An empty form makes no codes: back to the settings with a message.
    "accounts:two-factor-recovery-codes": Row(
        lambda w: reverse("accounts:two-factor-recovery-codes"), get=expect(405), post=expect(302)
    ),
    # Turning 2FA off is for roles that do not require it.
    "accounts:two-factor-disable": Row(
        lambda w: reverse("accounts:two-factor-disable"),
        get=expect(405),
        post=only(NOT_ENFORCED, 302, 404, anonymous=302),
    ),
    "accounts:two-factor-users": Row(
        lambda w: reverse("accounts:two-factor-users"),
        get=only(ADMINS | {"board"}, 200, 404, anonymous=302),
        post=expect(405),
    ),
    # An agent's 2FA: administrators reset it (POST resets and goes back to the list); the
    # board manages board and privacy-officer accounts only.
    "accounts:two-factor-reset": Row(
        lambda w: reverse("accounts:two-factor-reset", args=[w.users["agent_with_lease"].pk]),
        get=only(ADMINS, 200, 404, anonymous=302),
        post=only(ADMINS, 302, 404, anonymous=302),
    ),
    # The privacy officer's 2FA: the board alone (SPEC §9); an administrator meets 404, as
    # for an account that does not exist, and nobody resets their own.
    "accounts:two-factor-reset#privacy-officer": Row(
        lambda w: reverse("accounts:two-factor-reset", args=[w.users["privacy_officer"].pk]),
        get=only({"board"}, 200, 404, anonymous=302),
        post=only({"board"}, 302, 404, anonymous=302),
    ),
    "accounts:two-factor-reset#missing": Row(
        lambda w: reverse("accounts:two-factor-reset", args=[2**40]),
        get=expect(404, anonymous=302),
        post=expect(404, anonymous=302),
    ),
}
