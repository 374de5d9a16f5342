from __future__ import annotations

from django.conf import settings

from leadhunter.celery import app


def test_celery_uses_the_redis_broker_and_reaches_it() -> None:
    assert app.conf.broker_url == settings.CELERY_BROKER_URL == settings.REDIS_URL
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)


def test_beat_schedule_is_static_in_settings() -> None:
    assert (
        app.conf.beat_schedule is settings.CELERY_BEAT_SCHEDULE
        or app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    )
    app.loader.import_default_modules()  # what a worker does at start: autodiscover every app's tasks
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
