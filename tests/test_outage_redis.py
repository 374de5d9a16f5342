"""Redis away (issue 15 item 4, R-JOB-1): a Redis server of the test's own, stopped in the
middle of the test. Login, the admin login, the token endpoint, the request form and its
API, the call screen and an import's confirmation keep working, the limits still hold (in
the database), and what needed the broker is sent once Redis is back."""

from __future__ import annotations

import datetime as dt

import pytest
import redis
import time_machine
from celery import current_app
from django.conf import settings
from django.core import mail
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from apps.core import ratelimit
from apps.core.models import DeferredTask
from apps.imports.models import ImportStatus
from apps.privacy.models import DataSubjectRequest
from apps.retention.runner import run_rule
from tests.conftest import World
from tests.factories import PASSWORD
from tests.imports.helpers import csv_bytes, upload
from tests.outage import RedisServer


@pytest.fixture
def own_redis():  # type: ignore[no-untyped-def]
    """Cache and broker on a redis-server of this test's own (never the shared one on 6379)."""
    server = RedisServer()
    server.start()
    caches = {"default": {**settings.CACHES["default"], "LOCATION": server.url, "KEY_PREFIX": "outage-test"}}
    app = current_app
    previous_broker = app.conf.broker_url

    def switch_broker(url: str) -> None:
        # The app keeps its connection pools: new ones for the new URL.
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    switch_broker(server.url)
    try:
        with override_settings(CACHES=caches, REDIS_URL=server.url, CELERY_BROKER_URL=server.url):
            yield server
    finally:
        switch_broker(previous_broker)
        server.stop()


def _no_500(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, (response.status_code, response.content[:300])


def test_login_request_form_and_call_screen_work_while_redis_is_away(
    world: World, own_redis: RedisServer, django_capture_on_commit_callbacks, settings
) -> None:  # type: ignore[no-untyped-def]
    client_user = world.users["client_same_tenant"]
    job = upload(
        world.assignment,
        client_user,
        csv_bytes([["Acme", "12345678", "1234 AB", "Goes", "", "Jan", "Jansen", "", "1"]]),
    )
    own_redis.stop()

    # Login, the admin login and the token endpoint.
    anonymous = HttpClient()
    response = anonymous.post(reverse("accounts:login"), {"username": client_user.username, "password": PASSWORD})
    assert response.status_code == 302
    admin = HttpClient()
    response = admin.post("/admin/login/", {"username": world.users["administrator"].username, "password": PASSWORD})
    _no_500(response)
    assert response.status_code == 302
    response = HttpClient().post("/api/v1/auth/token/", {"username": client_user.username, "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]

    # The request form and its API store the request and send its confirmation at once.
    form = {"name": "Jan Jansen", "email": "jan@example.org", "kind": "access", "message": ""}
    _no_500(response := HttpClient().post(reverse("privacy:request"), form))
    assert response.status_code == 200
    response = HttpClient().post(
        "/api/v1/privacy/requests/", {**form, "email": "piet@example.org"}, content_type="application/json"
    )
    assert response.status_code == 202
    assert DataSubjectRequest.objects.filter(email__in=["jan@example.org", "piet@example.org"]).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["jan@example.org", "piet@example.org"]

    # The agent's call screen and "next".
    agent = world.client_for("agent_with_lease")
    _no_500(response := agent.get(f"/work/prospects/{world.prospect.pk}/"))
    assert response.status_code == 200
    _no_500(agent.post(reverse("calling:next", args=[world.assignment.pk])))

    # An import confirmed while the broker is away stays queued, its task in the outbox.
    portal = world.client_for("client_same_tenant")
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(reverse("api:import-confirm", args=[job.pk]), {}, content_type="application/json")
    _no_500(response)
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    deferred = DeferredTask.objects.get()
    assert deferred.task_name == "imports.run" and deferred.args == [str(job.pk)]
    _no_500(portal.get(reverse("portal:import", args=[job.pk])))

    # Redis is back: the clock rule hands the deferred task to the broker.
    own_redis.start()
    run = run_rule("deferred_tasks_send")
    assert run.counts == {"deferred_tasks_sent": 1, "deferred_tasks_waiting": 0}
    assert not DeferredTask.objects.exists()
    assert redis.Redis.from_url(own_redis.url).llen("celery") == 1


def test_the_login_limit_holds_in_the_database_while_redis_is_away(
    world: World, own_redis: RedisServer, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
    own_redis.stop()
    # The counters are fixed one-minute windows: start each count just after a window opens,
    # or a run that straddles the minute counts in two windows (it failed so in CI order).
    with time_machine.travel(_just_after_a_minute_starts(), tick=True):
        http = HttpClient()
        codes = [
            http.post(reverse("accounts:login"), {"username": "client-acme", "password": "wrong"}).status_code
            for _ in range(5)
        ]
    assert codes == [200, 200, 200, 429, 429]
    # The token endpoint's rate (10/min) is counted the same way.
    with time_machine.travel(_just_after_a_minute_starts(), tick=True):
        api_codes = [
            # (other names each time: the per-account back-off would answer first)
            HttpClient().post("/api/v1/auth/token/", {"username": f"x{i}", "password": "y"}).status_code
            for i in range(11)
        ]
    assert api_codes[:10] == [400] * 10 and api_codes[10] == 429


def _just_after_a_minute_starts() -> dt.datetime:
    """One second into the next minute: a whole window ahead of the test's requests."""
    now = dt.datetime.now(tz=dt.UTC).replace(second=0, microsecond=0)
    return now + dt.timedelta(minutes=1, seconds=1)


def test_the_database_counter_keeps_no_address(db) -> None:  # type: ignore[no-untyped-def]
    from apps.core.models import RateCounter

    assert ratelimit._db_hit("login-failures:203.0.113.9", window=60) == 1
    assert ratelimit._db_hit("login-failures:203.0.113.9", window=60) == 2
    assert ratelimit._db_count("login-failures:203.0.113.9", window=60) == 2
    assert "203.0.113.9" not in RateCounter.objects.get().key


def test_tasks_are_sent_only_through_enqueue_or_defer() -> None:
    """A bare `.delay()` from a request is a 500 while the broker is away: every send goes
    through apps.core.enqueue (which writes the outbox instead)."""
    import re
    from pathlib import Path

    root = Path(settings.BASE_DIR) / "apps"
    pattern = re.compile(r"\.(delay|apply_async|delay_on_commit|send_task)\(")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if path.name != "enqueue.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_the_consent_button_and_the_officers_lookup_terms_do_not_500_while_redis_is_away(
    world: World, own_redis: RedisServer
) -> None:
    from apps.clients.models import LegalBasis
    from apps.privacy import lookup_terms
    from apps.privacy.models import RequestKind
    from tests import factories

    world.person.legal_basis = LegalBasis.CONSENT
    world.person.save(update_fields=["legal_basis"])
    dsr = factories.DataSubjectRequestFactory(
        confirmed=True, name="Femke Zonderland", email="femke@zonder.example", kind=RequestKind.ERASURE
    )
    own_redis.stop()

    response = world.client_for("client_same_tenant").post(
        reverse("privacy_case:prospect-consent-send", args=[world.prospect.pk, world.person.pk]), follow=True
    )
    assert response.status_code == 200
    assert any("over een ogenblik opnieuw" in str(m) for m in response.context["messages"]) and not mail.outbox
    officer = world.client_for("privacy_officer")
    response = officer.post(reverse("privacy_case:lookup", args=[dsr.pk]), {"name": "Femmie Zonderlandt"})
    assert response.status_code == 302
    assert lookup_terms.terms_get(dsr=dsr, officer=world.users["privacy_officer"])["name"] == ""


def test_rate_counters_of_passed_windows_are_deleted(db) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from apps.core.models import RateCounter

    ratelimit._db_hit("login-failures:203.0.113.9", window=60)
    run_rule("rate_counter_expiry", now=timezone.now() + dt.timedelta(minutes=5))
    assert not RateCounter.objects.exists()
