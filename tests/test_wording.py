"""Issue 14 item 10: the words people read — singular and plural, a request "afgesloten"
(a company "opgeheven"), a message after every save, English dates in the British form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, translation

from apps.privacy.models import DataSubjectRequest
from apps.prospects.models import CompanyStatus
from apps.registers.terms import Term
from apps.retention.models import Notice, NoticeKind
from apps.retention.services import notice_text
from tests.conftest import World
from tests.factories import DataSubjectRequestFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("number", "unit", "dutch"),
    [(1, "days", "1 dag"), (2, "days", "2 dagen"), (1, "months", "1 maand"), (6, "months", "6 maanden")],
)
def test_terms_have_a_singular_and_a_plural(number: int, unit: str, dutch: str) -> None:
    with translation.override("nl"):
        assert str(Term(number, unit)) == dutch


def test_a_notice_of_one_person_is_singular() -> None:
    with translation.override("nl"):
        one = notice_text(Notice(kind=NoticeKind.PERSONS_TO_VERIFY, count=1), "Campagne")
        two = notice_text(Notice(kind=NoticeKind.PERSONS_TO_VERIFY, count=2), "Campagne")
    assert one.startswith("1 contactpersoon van opdracht Campagne is ")
    assert two.startswith("2 contactpersonen van opdracht Campagne zijn ")


def test_closed_requests_are_afgesloten_and_closed_companies_opgeheven(world: World) -> None:
    officer = world.client_for("privacy_officer")
    body = officer.get(reverse("privacy:requests")).content.decode()
    assert "Afgesloten (" in body and "Opgeheven" not in body
    with translation.override("nl"):
        assert str(CompanyStatus.CLOSED.label) == "Opgeheven"


def test_taking_a_request_says_so(world: World) -> None:
    dsr = DataSubjectRequestFactory(confirmed=True)
    officer = world.client_for("privacy_officer")
    response = officer.post(reverse("privacy:request-take", args=[dsr.pk]), follow=True)
    assert "U behandelt dit verzoek nu." in response.content.decode()
    assert DataSubjectRequest.objects.get(pk=dsr.pk).handled_by is not None


def test_every_save_on_the_hr_pages_says_so(world: World) -> None:
    board = world.client_for("board")
    response = board.post(
        reverse("hr:employee-create"),
        {"name": "Karin Smit", "start_date": "2026-01-05", "email": "", "phone": ""},
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Het personeelsdossier is opgeslagen." in body
    # Labels start with a capital.
    assert "<dt>E-mail</dt>" in body or "<dt>E-mailadres</dt>" in body


def test_english_dates_are_british() -> None:
    with translation.override("en"):
        assert formats.date_format(dt.date(2026, 11, 27), "SHORT_DATE_FORMAT") == "27/11/2026"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
