"""R-SEC-2: a strict Content-Security-Policy, Permissions-Policy and no-store on every
response. The permission matrix asserts the headers on every URL × role × method
(tests/test_permission_matrix.py); these tests cover what the matrix does not reach and
keep the templates free of what the policy refuses."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from apps.core.middleware import SecurityHeadersMiddleware
from tests.conftest import World
from tests.security_headers import security_header_problems

ROOT = Path(settings.BASE_DIR)
# What a strict CSP refuses to run or apply: inline <script> (one without src), <style>
# blocks, style="" attributes, on*= handlers, javascript: URLs, htmx's hx-on (eval) and
# js:/javascript: values of hx-vals/hx-headers (eval).
REFUSED = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style block": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "hx-on": re.compile(r"\shx-on", re.IGNORECASE),
    "htmx eval value": re.compile(r"hx-(vals|headers|vars)\s*=\s*['\"]\s*js:", re.IGNORECASE),
}
# Not served as a page: the access report is a file the data subject downloads and opens
# from disk, where no policy applies; it must carry its own styles to be readable alone.
DOWNLOADED_FILES = {ROOT / "templates/privacy/case/report.html"}


def _templates() -> list[Path]:
    found = list((ROOT / "templates").rglob("*.html")) + list((ROOT / "apps").glob("*/templates/**/*.html"))
    assert len(found) > 20, "the templates were not found"
    return sorted(set(found) - DOWNLOADED_FILES)


def test_templates_hold_nothing_the_policy_refuses() -> None:
    problems = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in _templates()
        for what, pattern in REFUSED.items()
        if pattern.search(path.read_text())
    ]
    assert not problems, problems


def test_the_template_check_finds_what_it_looks_for() -> None:
    samples = {
        "inline script": "<script>alert(1)</script>",
        "style block": "<style>p{}</style>",
        "style attribute": '<p style="color:red">',
        "event handler attribute": '<img src="x" onerror="alert(1)">',
        "javascript: URL": '<a href="javascript:alert(1)">',
        "hx-on": '<button hx-on:click="alert(1)">',
        "htmx eval value": "<div hx-vals='js:{a: 1}'>",
    }
    assert set(samples) == set(REFUSED)
    for what, sample in samples.items():
        assert REFUSED[what].search(sample), what
    assert not REFUSED["inline script"].search('<script src="/static/js/call-screen.js" defer></script>')


def test_the_headers_middleware_is_outermost() -> None:
    # Outermost, so responses of every other middleware (redirects, 503, static files) get them.
    assert settings.MIDDLEWARE[0] == "apps.core.middleware.SecurityHeadersMiddleware"


def test_static_files_carry_the_policy_and_may_be_cached() -> None:
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse(headers={"Cache-Control": "max-age=60"}))
    static = middleware(RequestFactory().get(f"{settings.STATIC_URL}css/app.css"))
    assert security_header_problems(static, static=True) == []
    assert static["Cache-Control"] == "max-age=60"
    page = middleware(RequestFactory().get("/portal/"))
    assert security_header_problems(page) == []  # no-store replaces what a view set


def test_error_answers_carry_the_headers(db: None) -> None:
    http = HttpClient()
    for response in (
        http.get("/no-such-page/"),
        http.get("/api/v1/no-such-endpoint/"),
        http.get(reverse("api-schema")),  # 401
        http.post(reverse("accounts:login"), {"username": "x", "password": "y"}),
    ):
        assert security_header_problems(response) == [], response


def test_htmx_runs_without_eval_and_without_its_own_styles(db: None) -> None:
    body = HttpClient().get(reverse("accounts:login")).content.decode()
    assert """<meta name="htmx-config" content='{"allowEval":false,"includeIndicatorStyles":false}'>""" in body


def test_api_docs_load_their_script_and_styles_from_files(world: World) -> None:
    http = world.client_for("administrator")
    page = http.get(reverse("api-docs"))
    assert page.status_code == 200
    body = page.content.decode()
    assert not REFUSED["inline script"].search(body) and not REFUSED["style block"].search(body), body
    assert not re.search(r"(src|href)=\"(https?:)?//", body), "the docs load from another origin"
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', body).group(1).replace("&amp;", "&")
    script = http.get(script_url)
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
    assert security_header_problems(script) == []


def test_the_api_answers_json_only(world: World) -> None:
    # DRF's browsable pages need inline styles; a browser asking for HTML gets JSON.
    http = world.client_for("client_same_tenant")
    response = http.get(reverse("api:prospect-detail", args=[world.prospect.pk]), HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
