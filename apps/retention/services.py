"""Writes of the retention app: notices to agents and supervisors (R-RET-2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.assignments.models import Assignment, AssignmentUserObjectPermission
from apps.core.access import AssignmentPerm
from apps.retention.models import Notice, NoticeKind


def _recipients(assignment_ids: list[Any]) -> dict[Any, set[int]]:
    """The supervisors of each assignment, and its scheduled agents while it is active."""
    rows = AssignmentUserObjectPermission.objects.filter(
        content_object_id__in=assignment_ids,
        permission__codename__in=[AssignmentPerm.SUPERVISE.value, AssignmentPerm.WORK.value],
        user__is_active=True,
    ).values_list("content_object_id", "user_id", "permission__codename", "content_object__is_active")
    recipients: dict[Any, set[int]] = defaultdict(set)
    for assignment_id, user_id, codename, active in rows:
        if codename == AssignmentPerm.SUPERVISE.value or active:
            recipients[assignment_id].add(user_id)
    return recipients


def notices_add(*, kind: NoticeKind, counts: Mapping[Any, int], now: dt.datetime) -> int:
    """Add `counts` (due records per assignment) to the day's notice of every agent and
    supervisor concerned; return how many notices were created or raised. Meant to run in
    the caller's transaction, with the flags it counts."""
    recipients = _recipients(list(counts))
    rows = [
        (user_id, assignment_id, kind.value, timezone.localdate(now), count, now)
        for assignment_id, count in counts.items()
        for user_id in sorted(recipients.get(assignment_id, ()))
        if count
    ]
    if not rows:
        return 0
    table = Notice._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"""
            INSERT INTO {table} (recipient_id, assignment_id, kind, day, count, created_at)
            VALUES (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (recipient_id, assignment_id, kind, day)
            DO UPDATE SET count = {table}.count + EXCLUDED.count, emailed_at = NULL
            """,  # noqa: S608 (table name from the model)
            rows,
        )
    return len(rows)


def client_notices_add(*, kind: NoticeKind, counts: Mapping[Any, int], now: dt.datetime) -> int:
    """Add `counts` (persons per assignment) to the day's notice of every active user of
    each assignment's client (R-DSR-4, R-CON-1). Counts only, never names. The notice is
    marked emailed: the caller sends its own message (`apps.privacy.erasure`)."""
    from apps.accounts.models import Role, User

    clients = dict(Assignment.objects.filter(pk__in=list(counts)).values_list("pk", "client_id"))
    users: dict[Any, list[int]] = defaultdict(list)
    for user_id, client_id in User.objects.filter(
        role=Role.CLIENT, client_id__in=set(clients.values()), is_active=True
    ).values_list("pk", "client_id"):
        users[client_id].append(user_id)
    rows = [
        (user_id, assignment_id, kind.value, timezone.localdate(now), count, now, now)
        for assignment_id, count in counts.items()
        for user_id in sorted(users.get(clients.get(assignment_id), ()))
        if count
    ]
    if not rows:
        return 0
    table = Notice._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"""
            INSERT INTO {table} (recipient_id, assignment_id, kind, day, count, created_at, emailed_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (recipient_id, assignment_id, kind, day)
            DO UPDATE SET count = {table}.count + EXCLUDED.count, read_at = NULL
            """,  # noqa: S608 (table name from the model)
            rows,
        )
    return len(rows)


def notice_text(notice: Notice, assignment_name: str) -> str:
    if notice.kind == NoticeKind.ASSIGNMENT_ENDED:
        from apps.assignments.services import assignment_ended_text

        return assignment_ended_text(assignment_name=assignment_name, ended_on=notice.day)
    values = {"count": notice.count, "assignment": assignment_name}
    if notice.kind == NoticeKind.PERSONS_ERASED:
        text = ngettext(
            "%(count)d contact person of assignment %(assignment)s was erased at their own request. "
            "Please remove them from the lists you send us for future assignments.",
            "%(count)d contact persons of assignment %(assignment)s were erased at their own request. "
            "Please remove them from the lists you send us for future assignments.",
            notice.count,
        )
        return text % values
    if notice.kind in (NoticeKind.PERSONS_RESTRICTED, NoticeKind.PERSONS_CORRECTED):
        return privacy_notice_text(notice, assignment_name)
    values["months"] = settings.LEADHUNTER_PERIODS["VERIFY_AFTER_MONTHS"]
    if notice.kind == NoticeKind.PERSONS_TO_VERIFY:
        text = ngettext(
            "%(count)d contact person of assignment %(assignment)s has not been verified for %(months)d months.",
            "%(count)d contact persons of assignment %(assignment)s have not been verified for %(months)d months.",
            notice.count,
        )
    else:
        text = ngettext(
            "%(count)d company of assignment %(assignment)s has not been verified for %(months)d months.",
            "%(count)d companies of assignment %(assignment)s have not been verified for %(months)d months.",
            notice.count,
        )
    return text % values


def privacy_notice_text(notice: Notice, assignment_name: str) -> str:
    """The client's notice of a restriction or a correction on request (R-DSR-5, Art. 19)."""
    if notice.kind == NoticeKind.PERSONS_RESTRICTED:
        text = ngettext(
            "%(count)d contact person of assignment %(assignment)s asked us to restrict the processing of their "
            'data: they are kept, marked "restricted", and not called or used.',
            "%(count)d contact persons of assignment %(assignment)s asked us to restrict the processing of their "
            'data: they are kept, marked "restricted", and not called or used.',
            notice.count,
        )
    else:
        text = ngettext(
            "%(count)d contact person of assignment %(assignment)s had their data corrected at their own request. "
            "Please correct your own copy too.",
            "%(count)d contact persons of assignment %(assignment)s had their data corrected at their own request. "
            "Please correct your own copies too.",
            notice.count,
        )
    return text % {"count": notice.count, "assignment": assignment_name}


def notices_email(*, now: dt.datetime) -> int:
    """Email every recipient their notices not yet emailed, one message each; return the
    number of messages. A notice is marked once its message is sent (at least once: a
    crash between sending and marking sends it again the next run)."""
    sent = 0
    # The verification notices only: other kinds are emailed by their own senders.
    to_verify = [NoticeKind.PERSONS_TO_VERIFY, NoticeKind.COMPANIES_TO_VERIFY]
    recipient_ids = (
        Notice.objects.filter(emailed_at__isnull=True, kind__in=to_verify)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by()
    )
    for recipient_id in list(recipient_ids):
        with transaction.atomic():
            notices = list(
                Notice.objects.select_for_update(of=("self",))
                .filter(recipient_id=recipient_id, emailed_at__isnull=True, kind__in=to_verify)
                .select_related("recipient")
                .order_by("assignment_id", "kind")
            )
            if not notices:
                continue
            recipient = notices[0].recipient
            names = dict(Assignment.objects.filter(pk__in={n.assignment_id for n in notices}).values_list("pk", "name"))
            if recipient.email:
                with translation.override(settings.LANGUAGE_CODE):
                    lines = [notice_text(n, names.get(n.assignment_id, "")) for n in notices]
                    body = "\n".join([*lines, "", _("Verify them on the call screen before using them.")])
                    send_mail(_("Records to verify"), body, None, [recipient.email])
                sent += 1
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
    return sent
