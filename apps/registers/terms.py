"""Retention terms and Leadhunter's own limits per data category (R-REG-1, policy §8).

A term is a (number, unit) pair in days, months or years. Months and years compare
exactly with each other (a year is 12 calendar months). Days against months compare
safely: a term *exceeds* a limit when, for some start date, it ends later than the limit
would. So 31 days exceed "1 month" (February), 365 days do not exceed "12 months" but 366
days do (a leap year), and "1 month" exceeds 28 days.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class DataCategory(models.TextChoices):
    """The kinds of data Leadhunter may hand to a subprocessor (policy §4, §8, §9)."""

    PERSONS = "persons", _("Contact persons (prospects)")
    CLIENT_CONTACTS = "client_contacts", _("Client contacts")
    COMPANIES = "companies", _("Company data")
    EMPLOYEES = "employees", _("Employees and payroll")
    APPLICANTS = "applicants", _("Applicants")
    ACCESS_LOGS = "access_logs", _("Access logs and IP addresses")
    BACKUPS = "backups", _("Backups")


class TermUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")


@dataclass(frozen=True)
class Term:
    number: int
    unit: str

    def __str__(self) -> str:
        unit = TermUnit(self.unit)
        if unit == TermUnit.DAYS:
            text = ngettext("%(n)d day", "%(n)d days", self.number)
        elif unit == TermUnit.MONTHS:
            text = ngettext("%(n)d month", "%(n)d months", self.number)
        else:
            text = ngettext("%(n)d year", "%(n)d years", self.number)
        return text % {"n": self.number}

    @property
    def key(self) -> str:
        """Language-neutral, for remembering which limit a warning was about."""
        return f"{self.number} {self.unit}"

    def months(self) -> int | None:
        if self.unit == TermUnit.MONTHS:
            return self.number
        if self.unit == TermUnit.YEARS:
            return 12 * self.number
        return None


# Every start date of a four-year cycle: month lengths and leap days all occur in it.
_CYCLE_START = dt.date(2024, 1, 1)
_CYCLE_DAYS = 4 * 365 + 1


@functools.lru_cache(maxsize=256)
def _day_range(months: int) -> tuple[int, int]:
    """The shortest and the longest number of days `months` calendar months can last."""
    lengths = []
    for offset in range(_CYCLE_DAYS):
        start = _CYCLE_START + dt.timedelta(days=offset)
        lengths.append(((start + relativedelta(months=months)) - start).days)
    return min(lengths), max(lengths)


def exceeds(term: Term, limit: Term) -> bool:
    """Does `term` run longer than `limit` for at least one start date?"""
    term_months, limit_months = term.months(), limit.months()
    if term_months is not None and limit_months is not None:
        return term_months > limit_months
    if term_months is None and limit_months is None:
        return term.number > limit.number
    if term_months is None:  # days against calendar months: the shortest run of the limit
        assert limit_months is not None
        return term.number > _day_range(limit_months)[0]
    return _day_range(term_months)[1] > limit.number  # calendar months against days: the longest run


def our_limit(category: str) -> Term | None:
    """Leadhunter's own retention for a category, from LEADHUNTER_PERIODS; None where we
    set no limit (company data, client contacts: kept while the client relation lasts)."""
    periods = settings.LEADHUNTER_PERIODS
    return {
        DataCategory.PERSONS: Term(periods["PERSON_DELETE_AFTER_MONTHS"], TermUnit.MONTHS),
        DataCategory.EMPLOYEES: Term(periods["EMPLOYEE_KEEP_YEARS"], TermUnit.YEARS),
        DataCategory.APPLICANTS: Term(periods["APPLICANT_KEEP_YEARS"], TermUnit.YEARS),
        DataCategory.ACCESS_LOGS: Term(periods["IP_KEEP_DAYS"], TermUnit.DAYS),
        DataCategory.BACKUPS: Term(periods["BACKUP_KEEP_DAYS"], TermUnit.DAYS),
    }.get(category)


# The European Economic Area (EU member states, Iceland, Liechtenstein, Norway), ISO 3166-1 alpha-2.
EEA_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)
