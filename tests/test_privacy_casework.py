"""The privacy officer's casework on a confirmed request (R-DSR-3): finding the person
everywhere, the identity link, the access report and the rectification; access-logged
(R-LOG-1), the only reader of note text (R-NOTE-1), bounded in queries (SPEC §7)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.audit.models import AccessAction, AccessLogEntry
from apps.clients.models import LegalBasis
from apps.hr.models import Applicant, Employee
from apps.imports.exports import export_log
from apps.privacy import lookup_terms
from apps.privacy.models import RequestKind, RequestRecord, RequestStatus
from apps.prospects.models import Person, ProspectPerson
from tests import factories
from tests.conftest import World


@pytest.fixture
def officer(world: World):  # type: ignore[no-untyped-def]
    return world.client_for("privacy_officer")


def _requester(world: World, **kwargs):  # type: ignore[no-untyped-def]
    values = {"name": "Femke Zonderland", "email": "femke@zonder.example", "phone": "0612349876"}
    values.update(kwargs)
    return factories.DataSubjectRequestFactory(confirmed=True, **values)


def _person(world: World, assignment=None, **kwargs) -> Person:  # type: ignore[no-untyped-def]
    prospect = factories.ProspectFactory(assignment=assignment or world.assignment)
    values = {"first_name": "Femke", "last_name": "Zonderland", "email": "femke@zonder.example", "phone": ""}
    values.update(kwargs)
    person = factories.PersonFactory(client=prospect.assignment.client, company=prospect.company, **values)
    ProspectPerson.objects.create(prospect=prospect, person=person)
    return person


def _also_held_by(person: Person, assignment) -> Person:  # type: ignore[no-untyped-def]
    """The same person as another client's own record (R-IMP-4: one record per client)."""
    prospect = factories.ProspectFactory(assignment=assignment, company=person.company)
    copy = factories.PersonFactory(
        client=assignment.client,
        company=person.company,
        **{f: getattr(person, f) for f in ("first_name", "last_name", "job_title", "email", "phone", "legal_basis")},
    )
    ProspectPerson.objects.create(prospect=prospect, person=copy)
    return copy


def test_the_lookup_finds_the_person_everywhere_by_email_phone_and_name(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world)
    by_email = _person(world, first_name="F.", last_name="Z")
    by_phone = _person(world, assignment=world.other_assignment, email="", last_name="Anders", phone="+31612349876")
    by_name = _person(world, email="femke@elders.example", first_name="FEMKE", last_name="zonderland")
    stranger = _person(world, first_name="Femke", last_name="Anders", email="anders@x.example")
    contact = factories.ClientContactFactory(client=world.acme, first_name="Femke", last_name="Zonderland")
    employee = Employee.objects.create(name="Femke Zonderland", start_date=dt.date(2020, 1, 1))
    applicant = Applicant.objects.create(name="Iemand", email="FEMKE@zonder.example")
    note = factories.CallNoteFactory(
        prospect=world.prospect, agent=world.users["agent_with_lease"], text="Terugbellen: femke zonderland is weg"
    )
    quiet = factories.CallNoteFactory(prospect=world.prospect, agent=world.users["agent_with_lease"], text="Niets")

    response = officer.get(reverse("privacy_case:lookup", args=[dsr.pk]))

    assert response.status_code == 200
    found = response.context["found"]
    assert set(found.persons.rows) == {by_email, by_phone, by_name}
    assert stranger not in found.persons.rows
    assert found.contacts.rows == [contact]
    # R-HR-1 (review #4): an officer who is no board member gets a count, never names.
    assert not found.hr.visible and found.hr.count == 2 and not found.hr.employees and not found.hr.applicants
    assert list(found.notes) == [note]
    body = response.content.decode()
    assert "Globex BV" in body and "Globex active" in body  # which client's assignment holds by_phone
    assert "2 HR-dossier(s) kunnen overeenkomen — het bestuur handelt ze af." in body and "Iemand" not in body
    # R-LOG-1 / R-NOTE-1: every record and note shown, in bulk entries
    entries = {e.object_type: set(e.object_ids) for e in AccessLogEntry.objects.filter(action=AccessAction.LIST)}
    assert entries["prospects.person"] == {str(p.pk) for p in (by_email, by_phone, by_name)}
    assert entries["callnotes.callnote"] == {str(note.pk)} and str(quiet.pk) not in entries["callnotes.callnote"]
    assert entries["clients.clientcontact"] == {str(contact.pk)}
    assert "hr.employee" not in entries and "hr.applicant" not in entries
    assert AccessLogEntry.objects.get(object_type="privacy.datasubjectrequest", action=AccessAction.LIST).object_id == (
        str(dsr.pk)
    )
    assert employee.pk and applicant.pk


def _board_officer(world: World):  # type: ignore[no-untyped-def]
    board = world.users["board"]
    board.is_privacy_officer = True
    board.save()
    return world.client_for("board")


def test_hr_files_are_facts_only_on_the_verified_email_and_for_the_board(world: World) -> None:
    """Review #3, #4 (R-HR-1, R-DSR-3): a board-member officer sees the HR files matched on the
    request's verified email; files matched on name or phone alone are only a count to check,
    and never reach the access report (no keep_until for them)."""
    board = _board_officer(world)
    dsr = _requester(world)
    by_email = Applicant.objects.create(
        name="Iemand", email="FEMKE@zonder.example", status="rejected", rejection_date=dt.date(2026, 2, 1)
    )
    by_name = Employee.objects.create(
        name="Femke Zonderland", start_date=dt.date(2020, 1, 1), leaving_date=dt.date(2025, 6, 30)
    )
    by_phone = Applicant.objects.create(
        name="Ander Mens", phone="+31612349876", status="rejected", rejection_date=dt.date(2026, 3, 3)
    )

    response = board.get(reverse("privacy_case:lookup", args=[dsr.pk]))
    assert response.status_code == 200
    hr = response.context["found"].hr
    assert hr.visible and hr.applicants == [by_email] and hr.employees == [] and hr.unconfirmed == 2
    body = response.content.decode()
    assert "Iemand" in body and "Ander Mens" not in body
    assert AccessLogEntry.objects.get(object_type="hr.applicant", action=AccessAction.LIST).object_ids == [
        str(by_email.pk)
    ]
    assert not AccessLogEntry.objects.filter(object_type="hr.employee").exists()

    data = json.loads(board.get(reverse("privacy_case:report", args=[dsr.pk]), {"format": "json"}).content)
    assert data["hr_files"] == [{"kind": "applicant", "name": "Iemand", "kept_until": "2027-02-01"}]
    html = board.get(reverse("privacy_case:report", args=[dsr.pk])).content.decode()
    assert "Iemand" in html and "Femke Zonderland" not in html and "Ander Mens" not in html
    assert str(by_name.pk) and str(by_phone.pk)
    assert not AccessLogEntry.objects.filter(object_type="hr.employee").exists()


def test_an_officer_who_is_no_board_member_gets_no_hr_file_in_the_report(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    """Review #4 (R-HR-1): the report leaves HR files out and says that the board answers for them."""
    dsr = _requester(world, language="en")
    Applicant.objects.create(name="Iemand", email=dsr.email, status="rejected", rejection_date=dt.date(2026, 2, 1))
    html = officer.get(reverse("privacy_case:report", args=[dsr.pk])).content.decode()
    assert "Iemand" not in html and "Application file" not in html and "2027" not in html
    assert "the board answers for those separately" in html
    data = json.loads(officer.get(reverse("privacy_case:report", args=[dsr.pk]), {"format": "json"}).content)
    assert "hr_files" not in data and "board" in data["hr_files_note"]
    assert not AccessLogEntry.objects.filter(object_type__startswith="hr.").exists()


def test_the_officer_may_try_another_spelling_within_the_request(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    """Review #13: the typed spelling is POSTed (CSRF) and kept server-side (lookup_terms) for this
    request, never in a URL; the notes' page links carry the page number only."""
    dsr = _requester(world, phone="")
    other = _person(world, first_name="Femmie", last_name="Zonderlandt", email="")
    for _ in range(30):
        factories.CallNoteFactory(
            prospect=world.prospect, agent=world.users["agent_with_lease"], text="femmie zonderlandt belde"
        )
    url = reverse("privacy_case:lookup", args=[dsr.pk])
    assert other not in officer.get(url).context["found"].persons.rows
    assert other not in officer.get(url, {"name": "femmie zonderlandt"}).context["found"].persons.rows  # not by URL
    posted = officer.post(url, {"name": "femmie  zonderlandt", "email": "", "phone": ""})
    assert posted.status_code == 302 and posted["Location"] == url
    page = officer.get(url)
    assert other in page.context["found"].persons.rows and page.context["found"].notes.paginator.count == 30
    body = page.content.decode()
    assert 'href="?page=2#notes"' in body and "name=" not in body.split('id="notes"')[1]
    second = officer.get(url, {"page": "2"})
    assert len(second.context["found"].notes) == 5 and other in second.context["found"].persons.rows
    # Another request does not inherit the spelling; a reset goes back to the request's own.
    assert (
        other
        not in officer.get(reverse("privacy_case:lookup", args=[_requester(world).pk])).context["found"].persons.rows
    )
    officer.post(url, {"reset": "1"})
    assert other not in officer.get(url).context["found"].persons.rows


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "\x00x"),
        ("name", "Femke\x00 Zonderland"),
        ("name", "x" * 201),
        ("email", "a" * 250 + "@x.nl"),
        ("phone", "not a number"),
        ("name", "a"),  # R-NOTE-1: no one-letter note search
        ("name", "Zonderland"),  # a last name alone
        ("name", "Fe Zo"),  # each part 2, together under 5
    ],
)
def test_bad_lookup_terms_are_a_form_error_never_a_500(world: World, officer, field: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Review #12 and #5: a forms.Form checks the typed terms; nothing is stored or searched."""
    dsr = _requester(world)
    url = reverse("privacy_case:lookup", args=[dsr.pk])
    factories.CallNoteFactory(prospect=world.prospect, agent=world.users["agent_with_lease"], text="a b c Zo")
    response = officer.post(url, {"name": "", "email": "", "phone": "", field: value})
    assert response.status_code == 400 and response.context["form"].errors[field]
    assert lookup_terms.terms_get(dsr=dsr, officer=world.users["privacy_officer"]) == lookup_terms.EMPTY
    assert list(response.context["found"].notes) == []  # still the request's own details


def test_lookup_terms_in_the_query_string_are_ignored_not_a_500(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world)
    url = reverse("privacy_case:lookup", args=[dsr.pk])
    response = officer.get(url + "?name=%00x&email=%00&phone=%00&page=%00")
    assert response.status_code == 200
    assert response.context["found"].terms.full_name == "Femke Zonderland"


def test_a_name_that_is_too_short_searches_the_notes_by_email_only(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    """Review #5 (R-NOTE-1): a request's own name that is no first and last name does not search note text."""
    dsr = _requester(world, name="Jo")
    by_name = factories.CallNoteFactory(prospect=world.prospect, agent=world.users["agent_with_lease"], text="Jo belt")
    by_email = factories.CallNoteFactory(
        prospect=world.prospect, agent=world.users["agent_with_lease"], text="mail naar femke@zonder.example"
    )
    found = officer.get(reverse("privacy_case:lookup", args=[dsr.pk])).context["found"]
    assert list(found.notes) == [by_email] and by_name not in found.notes
    officer.post(reverse("privacy_case:lookup", args=[dsr.pk]), {"name": "Jo Ab"})  # each 2, together 4: refused
    assert list(officer.get(reverse("privacy_case:lookup", args=[dsr.pk])).context["found"].notes) == [by_email]


def test_every_lookup_is_logged_with_the_request_also_when_nothing_is_found(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    """Review #5 (R-LOG-1, R-NOTE-1): one entry tied to the request per lookup, and the note
    ids of every page shown, also an empty one."""
    dsr = _requester(world, name="Niemand Bekend", email="niemand@nergens.example", phone="")
    url = reverse("privacy_case:lookup", args=[dsr.pk])
    officer.get(url)
    officer.get(url)
    tied = AccessLogEntry.objects.filter(object_type="privacy.datasubjectrequest", object_id=str(dsr.pk))
    assert tied.filter(action=AccessAction.LIST).count() == 2
    notes = AccessLogEntry.objects.filter(object_type="callnotes.callnote").order_by("at")
    assert [(e.object_ids, e.object_count) for e in notes] == [([], 0), ([], 0)]

    found = [
        factories.CallNoteFactory(
            prospect=world.prospect, agent=world.users["agent_with_lease"], text="Niemand Bekend gebeld"
        )
        for _ in range(27)
    ]
    officer.get(url, {"page": "2"})
    last = AccessLogEntry.objects.filter(object_type="callnotes.callnote").order_by("-at", "-pk").first()
    assert len(last.object_ids) == 2 and set(last.object_ids) <= {str(n.pk) for n in found}
    assert tied.filter(action=AccessAction.LIST).count() == 3


@pytest.mark.parametrize("status", [RequestStatus.UNCONFIRMED, RequestStatus.ANSWERED])
def test_no_casework_on_a_request_that_is_not_open(world: World, officer, status: str) -> None:  # type: ignore[no-untyped-def]
    if status == RequestStatus.UNCONFIRMED:
        dsr = factories.DataSubjectRequestFactory()
    else:
        dsr = _requester(world, status=status, closed_at=timezone.now(), outcome="Klaar")
    _person(world)
    for name in ("lookup", "report", "erase"):
        response = officer.get(reverse(f"privacy_case:{name}", args=[dsr.pk]))
        assert response.status_code == 409
        assert "found" not in response.context
    assert not AccessLogEntry.objects.filter(object_type="prospects.person").exists()
    response = officer.post(reverse("privacy_case:link", args=[dsr.pk]), {"person": str(world.person.pk)})
    assert response.status_code == 409 and not RequestRecord.objects.exists()


def test_only_privacy_officers_reach_the_casework(world: World) -> None:
    dsr = _requester(world)
    url = reverse("privacy_case:lookup", args=[dsr.pk])
    for role in ("administrator", "board", "supervisor", "client_same_tenant", "agent_with_lease"):
        assert world.client_for(role).get(url).status_code == 404
    unknown = reverse("privacy_case:lookup", args=["00000000-0000-0000-0000-000000000000"])
    assert world.client_for("privacy_officer").get(unknown).status_code == 404
    officer = world.users["privacy_officer"]
    officer.confidentiality_signed_on = None
    officer.save()
    # Without a confidentiality agreement on record: refused like every staff page (R-NTK-5).
    assert world.client_for("privacy_officer").get(url).status_code in (403, 404)


@pytest.mark.parametrize("size", [2, 80])
def test_the_lookup_runs_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    world: World, officer, django_assert_max_num_queries, size: int
) -> None:
    dsr = _requester(world)
    for _ in range(size):
        person = _person(world, email="", phone="")
        _also_held_by(person, world.other_assignment)
        factories.CallNoteFactory(
            prospect=world.prospect, agent=world.users["agent_with_lease"], text="Femke Zonderland gesproken"
        )
        factories.ClientContactFactory(client=world.acme, first_name="Femke", last_name="Zonderland")
    RequestRecord.objects.create(request=dsr, person=Person.objects.first(), linked_at=timezone.now())
    url = reverse("privacy_case:lookup", args=[dsr.pk])
    with django_assert_max_num_queries(22):
        response = officer.get(url)
    assert response.status_code == 200
    found = response.context["found"]
    # A record per client (R-IMP-4): each person of the loop is held by Acme and by Globex.
    assert len(found.persons.rows) == min(2 * size, 50) and found.persons.more == (2 * size > 50)
    assert len(found.notes) == min(size, 25)
    with django_assert_max_num_queries(22):
        assert officer.get(reverse("privacy_case:report", args=[dsr.pk])).status_code == 200


def test_linking_and_unlinking_records(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world)
    person = _person(world)
    contact = factories.ClientContactFactory(client=world.acme)
    url = reverse("privacy_case:link", args=[dsr.pk])
    assert officer.post(url, {"person": str(person.pk)}).status_code == 302
    assert officer.post(url, {"person": str(person.pk)}).status_code == 302  # twice: still one link
    assert officer.post(url, {"client_contact": str(contact.pk)}).status_code == 302
    assert RequestRecord.objects.filter(request=dsr).count() == 2
    page = officer.get(reverse("privacy_case:lookup", args=[dsr.pk]))
    assert {r.person_id or r.client_contact_id for r in page.context["records"]} == {person.pk, contact.pk}
    # Bad input: a message, nothing written, never a 500.
    for bad in ({"person": "nonsense"}, {"person": "00000000-0000-0000-0000-000000000000"}, {}, {"unlink": "x"}):
        response = officer.post(url, bad, follow=True)
        assert response.status_code == 200 and list(response.context["messages"])
    assert RequestRecord.objects.filter(request=dsr).count() == 2
    record = RequestRecord.objects.get(request=dsr, person=person)
    officer.post(url, {"unlink": str(record.pk)})
    assert not RequestRecord.objects.filter(pk=record.pk).exists()


def test_the_access_report_is_a_download_in_the_requesters_language(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world, language="en")
    person = _person(world, job_title="Inkoper", legal_basis=LegalBasis.CONSENT, source="upload")
    Person.objects.filter(pk=person.pk).update(verified_at=dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC))
    copy = _also_held_by(person, world.other_assignment)  # Globex's own record of the same person (R-IMP-4)
    downloader = factories.UserFactory(role=Role.CLIENT, client=world.globex, username="globex-download")
    export_log(assignment=world.other_assignment, actor=downloader)
    contact = factories.ClientContactFactory(client=world.acme, notes="Belt graag 's ochtends")
    RequestRecord.objects.create(request=dsr, person=person, linked_at=timezone.now())
    RequestRecord.objects.create(request=dsr, client_contact=contact, linked_at=timezone.now())

    response = officer.get(reverse("privacy_case:report", args=[dsr.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and ".html" in response["Content-Disposition"]
    html = response.content.decode()
    assert "Access report" in html and "<style>" in html and "static/" not in html  # self-contained
    for value in (person.email, "Inkoper", person.company.name, "Acme BV", "Acme active", "Globex active", "Consent"):
        assert value in html
    # Who received it (Art. 15(1)(c), Art. 19): the client organisation, not its user (review #6).
    assert "globex-download" not in html and "Globex BV" in html
    assert "28 September 2026" in html or "Sept. 28, 2026" in html  # flagged 6 months after verification
    assert "March 28, 2027" in html or "28 March 2027" in html  # deleted 12 months after
    assert "Belt graag" in html and "Contract" in html
    entry = AccessLogEntry.objects.get(
        action=AccessAction.DOWNLOAD, object_type="prospects.person", actor_id=world.users["privacy_officer"].pk
    )
    assert sorted(entry.object_ids) == sorted([str(person.pk), str(copy.pk)]) and entry.assignment_id is None
    assert AccessLogEntry.objects.filter(
        action=AccessAction.DOWNLOAD, object_type="privacy.datasubjectrequest", object_id=str(dsr.pk)
    ).exists()

    dutch = _requester(world, language="nl", email="ander@x.example")
    RequestRecord.objects.create(request=dutch, person=person, linked_at=timezone.now())
    assert "Inzageoverzicht" in officer.get(reverse("privacy_case:report", args=[dutch.pk])).content.decode()

    data = json.loads(officer.get(reverse("privacy_case:report", args=[dsr.pk]), {"format": "json"}).content)
    # One entry per client's record (R-IMP-4); Globex's is reported although only Acme's was linked.
    entries = data["contact_persons"]
    assert {e["email"] for e in entries} == {person.email} and {e["legal_basis"] for e in entries} == {"consent"}
    assert sorted(h["client"] for e in entries for h in e["held_for"]) == ["Acme BV", "Globex BV"]
    assert [(r["client"], r["assignment"], r["downloads"]) for e in entries for r in e["recipients"]] == [
        ("Globex BV", "Globex active", 1)
    ]
    assert data["client_contacts"][0]["notes"] == "Belt graag 's ochtends"


def test_recipients_are_client_organisations_that_downloaded_an_export(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    """Review #6 (Art. 15(1)(c), Art. 19, R-LOG-1): exports only, by client users, per client
    and assignment; never the privacy office's own report downloads, staff downloads or a
    client user's name; an export without the person is no recipient."""
    dsr = _requester(world, language="en")
    person = _person(world)
    RequestRecord.objects.create(request=dsr, person=person, linked_at=timezone.now())
    report_url = reverse("privacy_case:report", args=[dsr.pk])
    officer.get(report_url)  # the office's own download
    officer.get(report_url)
    export_log(assignment=world.assignment, actor=world.users["supervisor"])  # staff: no recipient
    export_log(assignment=world.other_assignment, actor=world.users["client_other_tenant"])  # without the person
    assert json.loads(officer.get(report_url, {"format": "json"}).content)["contact_persons"][0]["recipients"] == []

    client_user = world.users["client_same_tenant"]
    export_log(assignment=world.assignment, actor=client_user)
    export_log(assignment=world.assignment, actor=client_user)
    (recipient,) = json.loads(officer.get(report_url, {"format": "json"}).content)["contact_persons"][0]["recipients"]
    assert (recipient["client"], recipient["assignment"], recipient["downloads"]) == ("Acme BV", "Acme active", 2)
    html = officer.get(report_url).content.decode()
    assert client_user.username not in html and (client_user.get_full_name() or client_user.username) not in html
    assert "2 times" in html


def test_recipients_cost_a_fixed_number_of_queries(world: World, officer, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world)
    for _ in range(3):
        person = _person(world)
        RequestRecord.objects.create(request=dsr, person=person, linked_at=timezone.now())
    for _ in range(5):
        export_log(assignment=world.assignment, actor=world.users["client_same_tenant"])
    with django_assert_max_num_queries(22):
        response = officer.get(reverse("privacy_case:report", args=[dsr.pk]), {"format": "json"})
    assert {r["downloads"] for p in json.loads(response.content)["contact_persons"] for r in p["recipients"]} == {5}


def test_rectification_of_a_linked_person(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world, kind=RequestKind.RECTIFICATION)
    person = _person(world)
    old = timezone.now() - dt.timedelta(days=100)
    Person.objects.filter(pk=person.pk).update(verified_at=old)
    url = reverse("privacy_case:person-correct", args=[dsr.pk, person.pk])
    assert officer.get(url).status_code == 404  # not linked: not the requester's record
    RequestRecord.objects.create(request=dsr, person=person, linked_at=timezone.now())
    assert officer.get(url).status_code == 200
    form = {
        "first_name": "Femke",
        "last_name": "Zonderland-Bos",
        "job_title": "",
        "email": "F@Bos.example",
        "phone": "",
    }
    assert officer.post(url, form).status_code == 302
    person.refresh_from_db()
    assert (person.last_name, person.email) == ("Zonderland-Bos", "f@bos.example") and person.verified_at > old
    response = officer.post(url, {**form, "phone": "geen nummer"})
    assert response.status_code == 200 and response.context["form"].errors
    person.refresh_from_db()
    assert person.phone == ""
    assert AccessLogEntry.objects.filter(action=AccessAction.VIEW, object_id=str(person.pk)).exists()


def test_the_fragment_for_the_request_detail_page(world: World) -> None:
    from django.template.loader import render_to_string

    open_request = _requester(world, kind=RequestKind.ERASURE)
    html = render_to_string("privacy/_casework.html", {"dsr": open_request})
    for name in ("lookup", "report", "erase"):
        assert reverse(f"privacy_case:{name}", args=[open_request.pk]) in html
    access = _requester(world, kind=RequestKind.ACCESS)
    assert reverse("privacy_case:erase", args=[access.pk]) not in render_to_string(
        "privacy/_casework.html", {"dsr": access}
    )
    unconfirmed = factories.DataSubjectRequestFactory()
    html = render_to_string("privacy/_casework.html", {"dsr": unconfirmed})
    assert reverse("privacy_case:lookup", args=[unconfirmed.pk]) not in html


def test_the_lookup_service_itself_is_for_officers_and_always_logged(world: World) -> None:
    """R-NOTE-1: the one reading of note text cannot be called unlogged or by anyone else,
    whichever view, task or shell calls it."""
    from django.http import Http404

    from apps.privacy import casework

    dsr = factories.DataSubjectRequestFactory(confirmed=True, name="Niemand Bekend")
    terms, _errors = casework.terms_for(dsr)
    with pytest.raises(Http404):
        casework.lookup(dsr, terms, viewer=world.users["supervisor"])

    casework.lookup(dsr, terms, viewer=world.users["privacy_officer"])

    officer = world.users["privacy_officer"].pk
    assert AccessLogEntry.objects.filter(actor_id=officer, object_type="privacy.datasubjectrequest").exists()
    assert AccessLogEntry.objects.filter(actor_id=officer, object_type="callnotes.callnote").exists()
