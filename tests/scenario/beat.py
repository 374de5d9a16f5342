"""Celery beat, compressed: the rules of CELERY_BEAT_SCHEDULE run at their real times and
in their real order, with an explicit "now", while the clock jumps from step to step.

Between two steps (prev, until] each entry of the schedule runs once, at its *latest*
scheduled moment in that window (a daily rule at 02:30 of the last day, the five-minute
rule at the last five-minute mark), all entries in the order of those moments. Running a
rule once for a window of several days is what the rules promise to make safe (R-RET-1:
they select by the state of the data, so a late run ends in the state of all the runs it
stands for). The clock (time-machine) is moved to each moment before its rule runs, and
the rule gets that moment as `now`: the same call `run_retention --now` and the beat
tasks make (`apps.retention.runner.run_rule`). A schedule entry whose task is not a clock
rule runs as its Celery task, eagerly, at its moment.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from celery.schedules import crontab
from django.conf import settings

from apps.retention.models import JobRun, JobStatus
from apps.retention.runner import RULES, run_rule


@dataclass
class BeatRun:
    entry: str
    rule: str
    at: dt.datetime
    status: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == JobStatus.DONE

    def line(self) -> str:
        local = self.at.astimezone(ZoneInfo(settings.CELERY_TIMEZONE))
        text = f"{self.rule}@{local:%m-%d %H:%M} {self.status}"
        return f"{text} ({self.error})" if self.error else text


def _matches_day(schedule: crontab, day: dt.date) -> bool:
    celery_weekday = day.isoweekday() % 7  # celery: 0 = Sunday
    return (
        day.month in schedule.month_of_year
        and day.day in schedule.day_of_month
        and celery_weekday in schedule.day_of_week
    )


def latest_moment(schedule: crontab, after: dt.datetime, until: dt.datetime) -> dt.datetime | None:
    """The last moment of a crontab in (after, until], on the wall clock of CELERY_TIMEZONE."""
    zone = ZoneInfo(settings.CELERY_TIMEZONE)
    after_utc, until_utc = after.astimezone(dt.UTC), until.astimezone(dt.UTC)
    day = until.astimezone(zone).date()
    stop = after.astimezone(zone).date()
    while day >= stop:
        if _matches_day(schedule, day):
            for hour in sorted(schedule.hour, reverse=True):
                for minute in sorted(schedule.minute, reverse=True):
                    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)
                    if after_utc < moment <= until_utc:
                        return moment
        day -= dt.timedelta(days=1)
    return None


def due_entries(after: dt.datetime, until: dt.datetime) -> list[tuple[dt.datetime, str, str]]:
    """(moment, schedule entry, task) of every entry due in (after, until], in beat's order."""
    due = []
    for order, (entry, spec) in enumerate(settings.CELERY_BEAT_SCHEDULE.items()):
        schedule = spec["schedule"]
        if not isinstance(schedule, crontab):
            raise AssertionError(f"beat entry {entry}: only crontab schedules are simulated, not {schedule!r}")
        moment = latest_moment(schedule, after, until)
        if moment is not None:
            due.append((moment, order, entry, spec["task"]))
    return [(moment, entry, task) for moment, _order, entry, task in sorted(due)]


def rule_of(task: str) -> str | None:
    """The clock rule a beat task runs: tasks are named `retention.<rule>` (apps/*/tasks.py)."""
    prefix, _, name = task.partition(".")
    return name if prefix == "retention" and name in RULES else None


def run_window(after: dt.datetime, until: dt.datetime, move_clock: Callable[[dt.datetime], None]) -> list[BeatRun]:
    """Run every entry due in (after, until]; never raises: a failure is a failed BeatRun."""
    runs = []
    for moment, entry, task in due_entries(after, until):
        move_clock(moment)
        rule = rule_of(task)
        if rule is not None:
            try:
                job = run_rule(rule, now=moment)
                runs.append(BeatRun(entry, rule, moment, job.status, job.error))
            except Exception as exc:  # noqa: BLE001 (the runner recorded it; so do we)
                job = JobRun.objects.filter(rule=rule, now=moment).order_by("-started_at").first()
                error = job.error if job and job.error else f"{type(exc).__name__}: {exc}"
                runs.append(BeatRun(entry, rule, moment, JobStatus.FAILED, error.splitlines()[0][:300]))
        else:
            from leadhunter.celery import app

            result = app.tasks[task].apply()
            status = JobStatus.DONE if result.successful() else JobStatus.FAILED
            error = "" if result.successful() else "".join(traceback.format_exception(result.result))[-300:]
            runs.append(BeatRun(entry, task, moment, status, error))
    return runs
