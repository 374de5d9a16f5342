import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    """These tests read the messages in English; the Dutch table is checked by tests/test_i18n.py."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
