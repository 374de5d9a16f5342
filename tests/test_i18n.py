from __future__ import annotations

from django.urls import reverse

from tests.conftest import World


def test_dutch_is_the_default_language(world: World) -> None:
    body = world.client_for("anonymous").get(reverse("accounts:login")).content.decode()
    assert 'lang="nl"' in body
    assert "Inloggen" in body


def test_switching_to_english(world: World) -> None:
    http = world.client_for("client_same_tenant")
    http.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = http.get(reverse("accounts:home")).content.decode()
    assert 'lang="en"' in body
    assert "Log out" in body


def test_every_dutch_message_is_translated() -> None:
    import re
    from pathlib import Path

    po = (Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text()
    entries = re.findall(r'msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', po)
    empty = [msgid for msgid, msgstr in entries[1:] if msgstr.strip() == '""']
    assert not empty, f"untranslated: {empty}"
    assert "#, fuzzy" not in po


def test_dutch_even_when_the_browser_asks_for_english(world: World) -> None:
    http = world.client_for("client_same_tenant")
    body = http.get(reverse("accounts:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="nl"' in body
