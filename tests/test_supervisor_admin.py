"""The admin for supervisors (issue 13 #8, R-SUP-1, SPEC §5): a search box on every list, an
assignment filter on prospects and notes that offers only the user's own assignments
(R-NTK-1), the agent picker and the labels in Dutch, the client's extra columns as a table."""

from __future__ import annotations

from django.urls import reverse

from apps.core.admin_site import admin_site
from apps.prospects.models import Prospect
from tests.conftest import World


def test_every_admin_list_has_a_search_box() -> None:
    missing = [m._meta.label for m, a in admin_site._registry.items() if not a.search_fields]
    assert not missing


def test_call_notes_are_searched_by_company_never_by_text(world: World) -> None:
    http = world.client_for("supervisor")
    url = reverse("admin:callnotes_callnote_changelist")
    by_company = http.get(url, {"q": world.note.company.name}).content.decode()
    assert f"/admin/callnotes/callnote/{world.note.pk}/" in by_company
    word = world.note.text.split()[-1].strip(".")
    by_text = http.get(url, {"q": word}).content.decode()
    assert f"/admin/callnotes/callnote/{world.note.pk}/" not in by_text  # R-NOTE-1


def test_prospects_search_by_company_within_the_users_scope(world: World) -> None:
    url = reverse("admin:prospects_prospect_changelist")
    mine = world.client_for("supervisor").get(url, {"q": world.prospect.company.name}).content.decode()
    assert f"/admin/prospects/prospect/{world.prospect.pk}/" in mine
    theirs = world.client_for("supervisor").get(url, {"q": world.other_prospect.company.name}).content.decode()
    assert f"/admin/prospects/prospect/{world.other_prospect.pk}/" not in theirs


def test_assignment_filter_offers_only_own_assignments_and_filters(world: World) -> None:
    url = reverse("admin:prospects_prospect_changelist")
    http = world.client_for("supervisor")
    page = http.get(url).content.decode()
    assert f"?assignment={world.assignment.pk}" in page and f"?assignment={world.inactive_assignment.pk}" in page
    assert str(world.other_assignment.pk) not in page and world.other_assignment.name not in page
    filtered = http.get(url, {"assignment": str(world.assignment.pk)}).content.decode()
    assert f"/admin/prospects/prospect/{world.prospect.pk}/" in filtered
    none = http.get(url, {"assignment": str(world.inactive_assignment.pk)}).content.decode()
    assert f"/admin/prospects/prospect/{world.prospect.pk}/" not in none
    # Another tenant's assignment id typed into the URL: nothing, and no error telling it exists.
    probe = http.get(url, {"assignment": str(world.other_assignment.pk)})
    assert probe.status_code == 200
    body = probe.content.decode()
    assert f"/admin/prospects/prospect/{world.other_prospect.pk}/" not in body
    assert world.other_prospect.company.name not in body
    assert http.get(url, {"assignment": "not-a-uuid"}).status_code == 200
    # The administrator sees every client's assignments in the filter.
    admin_page = world.client_for("administrator").get(url).content.decode()
    assert f"?assignment={world.other_assignment.pk}" in admin_page


def test_call_notes_filter_by_assignment(world: World) -> None:
    url = reverse("admin:callnotes_callnote_changelist")
    page = world.client_for("supervisor_other_assignment").get(url, {"assignment": str(world.assignment.pk)})
    assert f"/admin/callnotes/callnote/{world.note.pk}/" not in page.content.decode()
    own = world.client_for("supervisor").get(url, {"assignment": str(world.assignment.pk)}).content.decode()
    assert f"/admin/callnotes/callnote/{world.note.pk}/" in own


def test_extra_columns_are_a_table_not_json(world: World) -> None:
    world.assignment.extra_columns = ["Klantnummer", "Regio"]
    world.assignment.save(update_fields=["extra_columns"])
    Prospect.objects.filter(pk=world.prospect.pk).update(
        extra={"Regio": "<b>Noord</b>", "Klantnummer": "00042", "Later": 7}
    )
    url = reverse("admin:prospects_prospect_change", args=[world.prospect.pk])
    body = world.client_for("supervisor").get(url).content.decode()
    assert '<table class="extra-columns">' in body
    assert "<tr><th>Klantnummer</th><td>00042</td></tr><tr><th>Regio</th><td>&lt;b&gt;Noord&lt;/b&gt;</td></tr>" in body
    assert "<tr><th>Later</th><td>7</td></tr>" in body
    assert '{"Regio"' not in body and "&quot;Regio&quot;" not in body


def test_admin_labels_and_agent_picker_in_dutch(world: World) -> None:
    http = world.client_for("administrator")
    change = http.get(reverse("admin:prospects_prospect_change", args=[world.prospect.pk])).content.decode()
    assert "Terugbellen door" in change and "Extra kolommen" in change
    index = http.get(reverse("admin:index")).content.decode()
    assert "Model name" not in index and "Add link" not in index
    catalog = http.get(reverse("admin:jsi18n")).content.decode()
    # The agent picker (FilteredSelectMultiple) of the assignment's change page.
    assert "Alle %s kiezen" in catalog and "Alle %s verwijderen" in catalog
    assert "Kies %s door ze te selecteren" in catalog
    picker = http.get(reverse("admin:assignments_assignment_change", args=[world.assignment.pk])).content.decode()
    assert 'data-field-name="callagents"' in picker
