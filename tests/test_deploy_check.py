"""SPEC §6: production settings pass `manage.py check --deploy` with warnings as failures."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean production-like environment: nothing the test process itself set (the
    # browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, never a deployment).
    dropped = {"DEBUG", "SECRET_KEY", "PRIVACY_HASH_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        PRIVACY_HASH_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="leadhunter.example",
        DATABASE_URL="postgres://leadhunter_app:secret@db.example:5432/leadhunter",
        DATABASE_OWNER_URL="postgres://leadhunter_owner:secret@db.example:5432/leadhunter",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_wants_two_database_roles() -> None:
    """R-SEC-3: without an owner URL the application would run as the owner of its tables."""
    production = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PRIVACY_HASH_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "leadhunter.example",
        "DATABASE_URL": "postgres://leadhunter:secret@db.example:5432/leadhunter",
    }
    alone = run_manage("check", "--deploy", "--fail-level", "WARNING", DATABASE_OWNER_URL="", **production)
    assert alone.returncode != 0
    assert "leadhunter.W001" in alone.stderr + alone.stdout
    same = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DATABASE_OWNER_URL=production["DATABASE_URL"], **production
    )
    assert same.returncode != 0
    assert "leadhunter.W002" in same.stderr + same.stdout


def test_production_refuses_to_start_without_a_privacy_hash_key() -> None:
    result = run_manage("check", DEBUG="0", SECRET_KEY="s" * 50, PRIVACY_HASH_KEY="", ALLOWED_HOSTS="x.example")
    assert result.returncode != 0
    assert "PRIVACY_HASH_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_manage(
        "check", DEBUG="0", SECRET_KEY="", PRIVACY_HASH_KEY="k" * 40, ALLOWED_HOSTS="leadhunter.example"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_misspelt_boolean_stops_the_start() -> None:
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_periods_are_overridable_and_validated() -> None:
    result = run_manage("check", LEADHUNTER_LEASE_MINUTES="abc")
    assert "LEADHUNTER_LEASE_MINUTES='abc' is not a whole number" in result.stderr
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.LEADHUNTER_PERIODS['LEASE_MINUTES'])",
        LEADHUNTER_LEASE_MINUTES="20",
    )
    assert result.stdout.strip().splitlines()[-1] == "20", result.stderr
