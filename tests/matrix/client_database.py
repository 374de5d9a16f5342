"""Rows of issue 3: the client portal (agreement, upload, import, database, records,
download, deleting an assignment) and its API (imports, export, prospects).

Who: whoever may supervise the target assignment—Acme's client user, its supervisor and
the administrators. Everyone else gets 404, the same as for an id that does not exist
(R-NTK-1); agents never see the database (R-NTK-2), only their leased prospect via the API.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tests.matrix import ADMINS, Row, expect, only

HOLDERS = {"client_same_tenant", "supervisor"} | ADMINS
# Downloads are the client's alone (policy §3, SPEC §5): the staff who see the database in
# the application are refused (403); everyone else finds nothing (404).
STAFF_HOLDERS = HOLDERS - {"client_same_tenant"}


def download(ok: int, anonymous: int) -> dict[str, int]:
    return only({"client_same_tenant"}, ok, 404, anonymous=anonymous) | dict.fromkeys(STAFF_HOLDERS, 403)


def _import(w: World) -> str:
    from apps.imports.models import ImportJob

    job, _ = ImportJob.objects.get_or_create(
        assignment=w.assignment,
        file_format="csv",
        defaults={"headers": ["Bedrijfsnaam"], "detected_mapping": {"0": "company_name"}, "created_at": timezone.now()},
    )
    return str(job.pk)


def _acceptance(w: World) -> str:
    agreement = w.assignment.processor_agreement
    acceptance = agreement.acceptances.first()
    if acceptance is None:  # the world's agreement predates acceptance records: record one
        from apps.assignments.models import ProcessorAgreementAcceptance

        acceptance = ProcessorAgreementAcceptance.objects.create(
            agreement=agreement,
            text_version=agreement.text_version,
            language="nl",
            text="<p>Verwerkersovereenkomst</p>",
            text_sha256="0" * 64,
            accepted_by=w.users["client_same_tenant"],
            accepted_at=timezone.now(),
        )
    return str(acceptance.pk)


def _difference(w: World) -> str:
    """A value of Acme's that waits "to verify" on the target record's company (R-IMP-3)."""
    from apps.imports.models import Difference

    difference, _ = Difference.objects.get_or_create(
        assignment=w.assignment,
        company=w.company,
        field="city",
        defaults={"value": "Zwolle", "created_at": timezone.now()},
    )
    from apps.imports.differences import difference_token

    return difference_token(difference.pk)


def page(ok: int = 200) -> dict[str, int]:
    return only(HOLDERS, ok, 404, anonymous=302)


def api(ok: int) -> dict[str, int]:
    return only(HOLDERS, ok, 404, anonymous=401)


ROWS: dict[str, Row] = {
    "portal:assignment": Row(
        lambda w: reverse("portal:assignment", args=[w.assignment.pk]), get=page(), post=expect(405)
    ),
    # Accepting twice (or as staff) is refused with a message and a redirect.
    "portal:agreement": Row(lambda w: reverse("portal:agreement", args=[w.assignment.pk]), get=page(), post=page(302)),
    # One acceptance shown back as accepted (issue 14 #7); another tenant's is 404.
    "portal:agreement-acceptance": Row(
        lambda w: reverse("portal:agreement-acceptance", args=[w.assignment.pk, _acceptance(w)]),
        get=page(),
        post=expect(405),
    ),
    # An empty upload form is shown again with its error.
    "portal:upload": Row(lambda w: reverse("portal:upload", args=[w.assignment.pk]), get=page(), post=page(200)),
    "portal:database": Row(lambda w: reverse("portal:database", args=[w.assignment.pk]), get=page(), post=expect(405)),
    "portal:export": Row(
        lambda w: reverse("portal:export", args=[w.assignment.pk, "csv"]), get=download(200, 302), post=expect(405)
    ),
    # Without the typed name the deletion form is shown again; nothing is deleted.
    "portal:assignment-delete": Row(
        lambda w: reverse("portal:assignment-delete", args=[w.assignment.pk]), get=page(), post=page(200)
    ),
    # Posting an empty mapping: the form comes back with its errors.
    "portal:import": Row(lambda w: reverse("portal:import", args=[_import(w)]), get=page(), post=page(200)),
    # Retrying a job that has not failed: a message and back to the import page.
    "portal:import-retry": Row(
        lambda w: reverse("portal:import-retry", args=[_import(w)]), get=expect(405), post=page(302)
    ),
    "portal:import-report": Row(
        lambda w: reverse("portal:import-report", args=[_import(w)]), get=page(), post=expect(405)
    ),
    # Every remark of an import (issue 12 #8): a download, the client's alone.
    "portal:import-issues": Row(
        lambda w: reverse("portal:import-issues", args=[_import(w)]), get=download(200, 302), post=expect(405)
    ),
    # Agents, even holding the lease, never edit or delete records here.
    "portal:prospect-edit": Row(
        lambda w: reverse("portal:prospect-edit", args=[w.prospect.pk]), get=page(), post=page(200)
    ),
    # Accept / reject a difference to verify; without a decision: a message and back to the record.
    "portal:difference-resolve": Row(
        lambda w: reverse("portal:difference-resolve", args=[w.prospect.pk, _difference(w)]),
        get=expect(405),
        post=page(302),
    ),
    "portal:prospect-delete": Row(
        lambda w: reverse("portal:prospect-delete", args=[w.prospect.pk]), get=page(), post=page(302)
    ),
    # --- API ------------------------------------------------------------------------
    "api:import-create": Row(
        lambda w: reverse("api:import-create", args=[w.assignment.pk]),
        # 405 for any id, existing or not, of any tenant: it tells nothing.
        get=expect(405, anonymous=401),
        post=only(HOLDERS, 400, 404, anonymous=401),
    ),
    "api:import-detail": Row(
        lambda w: reverse("api:import-detail", args=[_import(w)]),
        get=api(200),
        post=only(HOLDERS, 405, 405, anonymous=401),
    ),
    "api:import-confirm": Row(
        lambda w: reverse("api:import-confirm", args=[_import(w)]),
        get=only(HOLDERS, 405, 405, anonymous=401),
        post=api(415),
    ),
    "api:import-sheet": Row(
        lambda w: reverse("api:import-sheet", args=[_import(w)]),
        get=only(HOLDERS, 405, 405, anonymous=401),
        post=api(415),
    ),
    "api:assignment-export": Row(
        lambda w: reverse("api:assignment-export", args=[w.assignment.pk]) + "?format=csv",
        get=download(200, 401),
        post=only(HOLDERS, 405, 405, anonymous=401),
    ),
    "api:prospect-list": Row(
        lambda w: reverse("api:prospect-list", args=[w.assignment.pk]),
        get=api(200),
        post=only(HOLDERS, 405, 405, anonymous=401),
    ),
    "api:prospect-detail": Row(
        lambda w: reverse("api:prospect-detail", args=[w.prospect.pk]),
        get=api(200) | {"agent_with_lease": 200},
        post=only(HOLDERS, 405, 405, anonymous=401),
    ),
}
