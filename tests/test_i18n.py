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
    """The catalogue is the source of the Dutch texts (README, "Translations"): GNU msgfmt
    checks it (placeholders, plural forms) and counts what is untranslated or fuzzy."""
    import shutil
    import subprocess
    from pathlib import Path

    po = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext (msgfmt) is needed: apt-get install gettext"
    result = subprocess.run(  # noqa: S603 (the system's msgfmt on our own file)
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert "untranslated" not in statistics and "fuzzy" not in statistics, (
        f"{statistics}; list them with: msgattrib --untranslated {po}; msgattrib --only-fuzzy {po}"
    )
    assert "#, fuzzy" not in po.read_text()


def test_dutch_even_when_the_browser_asks_for_english(world: World) -> None:
    http = world.client_for("client_same_tenant")
    body = http.get(reverse("accounts:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="nl"' in body


def test_the_committed_catalogue_holds_every_message_of_the_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A string added to the code or a template without re-running makemessages would show
    in English in the Dutch interface: extract the messages afresh from a copy of the
    source and compare with the committed catalogue (README, "Translations")."""
    import os
    import re
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for name in ("apps", "templates", "leadhunter"):
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale").mkdir()
    subprocess.run(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "--ignore=locale"],
        cwd=tmp_path,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "leadhunter.settings"},
        check=True,
        capture_output=True,
    )

    def msgids(po: str) -> set[str]:
        return {m for m in re.findall(r'^msgid ((?:".*"\n)+)', po, flags=re.M) if m.strip() != '""'}

    fresh = msgids((tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text())
    committed = msgids((root / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text())
    missing = sorted(fresh - committed)
    assert not missing, f"run the README's makemessages command; not in the catalogue: {missing}"
