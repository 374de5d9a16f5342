"""The shared companies' pages keep room for an update in place (issue 16 #1, migration
prospects 0010): a change of a value no index holds writes no index entry (a HOT update)."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.prospects.models import Company
from tests import factories


def _updates() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'prospects_company'"
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, 0)


@pytest.mark.django_db
def test_the_companies_table_keeps_a_tenth_of_each_page_free() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'prospects_company'")
        assert "fillfactor=90" in cursor.fetchone()[0]


@pytest.mark.django_db
def test_filling_a_companys_phone_updates_it_in_place() -> None:
    # Enough companies to fill their first page (~30 a page): at fillfactor 100 that page
    # has no room left for a new version of a row on it, and the update goes to another
    # page with an entry in each of the seven indexes.
    first, second, *_rest = factories.CompanyFactory.create_batch(80, phone="")
    updates, hot = _updates()
    Company.objects.filter(pk__in=[first.pk, second.pk]).update(phone="+31201234567")
    after_updates, after_hot = _updates()
    assert (after_updates - updates, after_hot - hot) == (2, 2)
