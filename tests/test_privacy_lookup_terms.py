"""The privacy officer's typed search terms (issue 11 item 11, R-DEL-1): another spelling of
a requester's name, email or phone lives outside the session store, for a short time, and
goes when the request closes; expired sessions are cleared by a daily clock rule."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.privacy import lookup_terms
from apps.privacy.erasure import request_erase
from apps.privacy.models import RequestKind
from apps.privacy.services import request_answer, request_refuse
from apps.prospects.models import ProspectPerson
from apps.retention.models import JobRun, JobStatus
from apps.retention.runner import run_rule
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

TYPED = {"name": "Femmie Zonderlandt", "email": "femmie@elders.example", "phone": "0687654321"}
TYPED_VALUES = ["Femmie", "Zonderlandt", "femmie@elders.example", "687654321"]


def every_session_decoded() -> str:
    return json.dumps([s.get_decoded() for s in Session.objects.all()], default=str)


def open_request(world: World, **kwargs):  # type: ignore[no-untyped-def]
    values = {"name": "Femke Zonderland", "email": "femke@zonder.example", "phone": "", "kind": RequestKind.ERASURE}
    values.update(kwargs)
    return factories.DataSubjectRequestFactory(confirmed=True, **values)


def type_terms(world: World, dsr) -> None:  # type: ignore[no-untyped-def]
    officer = world.client_for("privacy_officer")
    url = reverse("privacy_case:lookup", args=[dsr.pk])
    assert officer.post(url, TYPED).status_code == 302
    # The spelling is used: the lookup page shows it in its form.
    assert officer.get(url).context["form"].initial["name"] == TYPED["name"]
    return officer


def test_typed_terms_are_never_in_a_session_row_and_go_with_the_erasure(world: World) -> None:
    dsr = open_request(world)
    prospect = factories.ProspectFactory(assignment=world.assignment)
    person = factories.PersonFactory(
        client=prospect.assignment.client, company=prospect.company, first_name="Femmie", last_name="Zonderlandt"
    )
    ProspectPerson.objects.create(prospect=prospect, person=person)
    officer = type_terms(world, dsr)
    assert lookup_terms.terms_get(dsr=dsr, officer=world.users["privacy_officer"])["name"] == TYPED["name"]

    officer.post(reverse("privacy_case:link", args=[dsr.pk]), {"person": str(person.pk)})
    response = officer.post(reverse("privacy_case:erase", args=[dsr.pk]), {"confirm": "yes"})
    assert response.status_code == 302

    decoded = every_session_decoded()
    assert Session.objects.exists() and "_auth_user_id" in decoded  # the check below can fail
    for value in TYPED_VALUES:
        assert value not in decoded
    assert lookup_terms.terms_get(dsr=dsr, officer=world.users["privacy_officer"]) == lookup_terms.EMPTY


@pytest.mark.parametrize("close", ["answer", "refuse"])
def test_typed_terms_go_when_the_request_is_answered_or_refused(world: World, close: str) -> None:
    dsr = open_request(world, kind=RequestKind.ACCESS)
    type_terms(world, dsr)
    officer = world.users["privacy_officer"]
    if close == "answer":
        request_answer(dsr=dsr, actor=officer, outcome="Rapport gestuurd")
    else:
        request_refuse(dsr=dsr, actor=officer, reason="Niet te identificeren")
    assert lookup_terms.terms_get(dsr=dsr, officer=officer) == lookup_terms.EMPTY


def test_typed_terms_are_the_officers_own_and_expire(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    dsr = open_request(world)
    type_terms(world, dsr)
    other_officer = factories.UserFactory(
        role=world.users["privacy_officer"].role, is_privacy_officer=True, username="officer2"
    )
    assert lookup_terms.terms_get(dsr=dsr, officer=other_officer) == lookup_terms.EMPTY
    assert settings.PRIVACY_LOOKUP_TERMS_MINUTES <= 60
    from django.core.cache import cache

    # The lifetime Redis holds the entry for (no sleeping: its TTL is read).
    key = cache.make_and_validate_key(lookup_terms.cache_key(dsr))
    assert 0 < cache._cache.get_client(key).ttl(key) <= settings.PRIVACY_LOOKUP_TERMS_MINUTES * 60


def test_an_erasure_drops_the_terms_of_the_persons_other_open_requests(world: World) -> None:
    first, second = open_request(world), open_request(world, kind=RequestKind.ACCESS)
    type_terms(world, second)
    request_erase(dsr=first, actor=world.users["privacy_officer"])
    assert lookup_terms.terms_get(dsr=second, officer=world.users["privacy_officer"]) == lookup_terms.EMPTY


def test_expired_sessions_are_cleared_daily_by_a_clock_rule(world: World) -> None:
    now = timezone.now()
    expired, live = SessionStore(), SessionStore()
    expired["x"], live["x"] = 1, 2
    expired.set_expiry(60)
    live.set_expiry(3600 * 24)
    expired.create()
    live.create()

    run = run_rule("session_cleanup", now=now + dt.timedelta(minutes=30))

    assert run.status == JobStatus.DONE and run.counts == {"sessions_removed": 1}
    assert set(Session.objects.values_list("session_key", flat=True)) >= {live.session_key}
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert run_rule("session_cleanup", now=now + dt.timedelta(minutes=30)).counts == {}  # twice: nothing to do
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "retention.session_cleanup" in schedule
    from apps.retention import tasks

    assert tasks.session_cleanup.name == "retention.session_cleanup"


def test_run_retention_clears_expired_sessions(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    stale = SessionStore()
    stale.set_expiry(60)
    stale.create()
    call_command(
        "run_retention", "--rule", "session_cleanup", "--now", (timezone.now() + dt.timedelta(hours=1)).isoformat()
    )
    assert "session_cleanup: done: sessions_removed=1" in capsys.readouterr().out
    assert JobRun.objects.get(rule="session_cleanup").status == JobStatus.DONE


def test_closing_a_request_works_while_redis_is_away(world: World) -> None:
    """The terms never stand in the way of a close (an erasure above all): they expire."""
    from django.test import override_settings

    dsr = open_request(world, kind=RequestKind.ACCESS)
    away = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=away):
        assert lookup_terms.terms_get(dsr=dsr, officer=world.users["privacy_officer"]) == lookup_terms.EMPTY
        request_answer(dsr=dsr, actor=world.users["privacy_officer"], outcome="Rapport gestuurd")
    dsr.refresh_from_db()
    assert dsr.status == "answered"
