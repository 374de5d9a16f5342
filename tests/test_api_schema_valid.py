"""The published API schema is valid OpenAPI (drf-spectacular's own validator): clients
generate code from it, and the API fuzz (tests/test_api_fuzz.py) reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_the_api_schema_validates(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/imports/{import_id}/sheet/" in schema["paths"]
