"""Property-based fuzz of the OpenAPI schema (R-SEC-4, issue 15 #13): every operation of
/api/v1/, as each role, with bodies, queries and headers that fit the schema and bodies that
do not (wrong types, nested nonsense, missing and unknown fields). Whatever comes in, the
answer is never a server error, and an error answer is a JSON object a client can show.

schemathesis reads the schema drf-spectacular generates and draws the cases (hypothesis);
the requests go in-process through Django's test client, so the test database, the world
of tests/conftest.py and session/token authentication are the real ones. Path parameters
are pinned to objects the role can reach (a random UUID only ever meets a 404). Each case
runs in a savepoint that is rolled back, so a DELETE does not starve the cases after it.

The budget is bounded and the run is reproducible (derandomize): a few examples per
operation and role, well under two minutes on two cores.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client as HttpClient
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.core import NotSet
from schemathesis.generation.modes import GenerationMode

from apps.imports.models import ImportJob, ImportStatus
from tests.conftest import World

pytestmark = pytest.mark.fuzz

# Per operation and role: enough to find the 500s of the attack run (bad PATCH bodies) on
# the code before the fix, within a budget of about a minute for the whole module.
MAX_EXAMPLES_WITH_BODY = 30
MAX_EXAMPLES = 8
OWN_HEADERS = {"authorization", "cookie", "content-type"}  # the client sets these itself
ROLES = ("client_same_tenant", "supervisor", "agent_with_lease", "anonymous")


def _schema() -> dict[str, Any]:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    # JSON round trip: lazy translations and enums become plain values schemathesis can read.
    schema = json.loads(json.dumps(raw, default=str))
    # The inputs refuse unknown fields (StrictInput): say so, or most "valid" bodies carry
    # invented keys and are refused before any value is looked at.
    for component in schema["components"]["schemas"].values():
        if "properties" in component:
            component.setdefault("additionalProperties", False)
    return schema


SCHEMA_DICT = _schema()
SCHEMA = schemathesis.openapi.from_dict(SCHEMA_DICT)
OPERATIONS = {
    f"{op.method.upper()} {op.path}": op for result in SCHEMA.get_all_operations() if (op := result.ok()) is not None
}


def _path_parameters(world: World, job: ImportJob) -> dict[str, str]:
    return {
        "assignment_id": str(world.assignment.pk),
        "prospect_id": str(world.prospect.pk),
        "person_id": str(world.person.pk),
        "import_id": str(job.pk),
    }


def _http(world: World, role: str) -> HttpClient:
    """Session authentication for staff, a token header for the client (both ways in)."""
    if role == "client_same_tenant":
        token, _created = Token.objects.get_or_create(user=world.users[role])
        return HttpClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    return world.client_for(role)


def _send(http: HttpClient, case: Any) -> Any:
    path = case.formatted_path
    query = {k: v for k, v in (case.query or {}).items() if v is not None}
    if query:
        path += "?" + urllib.parse.urlencode(query, doseq=True)
    # Headers the schema does not describe are the client's own (auth); generated ones go along.
    headers = {k: str(v) for k, v in (case.headers or {}).items() if k.lower() not in OWN_HEADERS}
    method = case.method.lower()
    body = case.body
    if isinstance(body, NotSet) or (body is None and case.media_type is None):
        return http.generic(method.upper(), path, headers=headers)
    media_type = case.media_type or "application/json"
    files = isinstance(body, dict) and any(isinstance(value, bytes) for value in body.values())
    if media_type.startswith("multipart/") and files:
        data = {
            key: SimpleUploadedFile("fuzz.csv", value) if isinstance(value, bytes) else value
            for key, value in body.items()
            if value is not None
        }
        return getattr(http, method)(path, data=data, headers=headers)
    if isinstance(body, bytes):
        payload = body
    else:  # structured bodies go as JSON, the API's own language (forms are the portal's)
        payload, media_type = json.dumps(body).encode(), "application/json"
    return http.generic(method.upper(), path, payload, content_type=media_type, headers=headers)


# Any JSON value, nested: what a wrong type or nested nonsense looks like.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA_DICT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _schema_paths(schema: dict[str, Any], prefix: tuple[Any, ...] = (), depth: int = 0) -> list[tuple[Any, ...]]:
    """Every place the schema names in a body: object properties, and the items of arrays
    (ITEM), at any depth (bounded)."""
    schema = _resolve(schema)
    found = [prefix] if prefix else []
    if depth > 4:
        return found
    for name, sub in (schema.get("properties") or {}).items():
        if not sub.get("readOnly"):
            found += _schema_paths(sub, (*prefix, name), depth + 1)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        found += _schema_paths(schema["items"], (*prefix, ITEM), depth + 1)
    return found


ITEM = object()  # a path step into the first item of an array


def _put(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    """`body` with `value` at `path`, making the containers on the way as needed."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    if step is ITEM:
        items = list(body) if isinstance(body, list) and body else [{}]
        items[0] = _put(items[0], rest, value)
        return items
    container = dict(body) if isinstance(body, dict) else {}
    container[step] = _put(container.get(step), rest, value)
    return container


@st.composite
def _one_wrong_value(draw: Any, cases: Any, places: list[tuple[Any, ...]]) -> Any:
    """A valid case with one field the schema names, at any depth, set to any JSON value
    (wrong types, nested nonsense): the body's keys stay known, so the value reaches
    validation; schemathesis' negative mode mostly invents keys, which StrictInput refuses
    before any value is looked at."""
    case = draw(cases)
    case.body = _put(case.body, draw(st.sampled_from(places)), draw(JSON_VALUES))
    return case


def _body_places(operation: Any) -> list[tuple[Any, ...]]:
    content = (operation.definition.raw.get("requestBody") or {}).get("content") or {}
    schema = (content.get("application/json") or {}).get("schema")
    return _schema_paths(schema) if schema else []


def _strategy(operation: Any, path_parameters: dict[str, str]) -> Any:
    pinned = {name: value for name, value in path_parameters.items() if name in operation.path_parameters}
    positive = operation.as_strategy(GenerationMode.POSITIVE, path_parameters=pinned)
    strategies = [positive]
    if operation.body or operation.query:  # something to get wrong besides the pinned path
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=pinned))
    if places := _body_places(operation):
        json_positive = operation.as_strategy(
            GenerationMode.POSITIVE, path_parameters=pinned, media_type="application/json"
        )
        # The likeliest way to a 500: weigh it double.
        strategies += [_one_wrong_value(json_positive, places)] * 2
    return st.one_of(strategies)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_server_error(module_world: World, db, label: str, role: str) -> None:  # type: ignore[no-untyped-def]
    world = module_world
    operation = OPERATIONS[label]
    job = ImportJob.objects.filter(assignment=world.assignment).first() or _import_job(world)
    http = _http(world, role)
    http.raise_request_exception = False  # a server error is an answer to assert on, with its case

    @settings(
        max_examples=MAX_EXAMPLES_WITH_BODY if operation.body else MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, _path_parameters(world, job)))
    def check(case: Any) -> None:
        with transaction.atomic():
            response = _send(http, case)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            raise ServerError(f"{case.method} {case.formatted_path} body={case.body!r} → {response.status_code}")
        if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
            if not isinstance(json.loads(response.content), dict):
                raise ServerError(f"{case.method} {case.formatted_path}: an error that is not an object")

    check()


class ServerError(Exception):
    """The property broken: a request answered with a server error."""


def _import_job(world: World) -> ImportJob:
    """An import waiting for its mapping to be confirmed: confirm has something to confirm."""
    return ImportJob.objects.create(
        assignment=world.assignment,
        uploaded_by=world.users["client_same_tenant"],
        status=ImportStatus.MAPPING,
        file_format="csv",
        headers=["Bedrijfsnaam", "Telefoon"],
        detected_mapping={"Bedrijfsnaam": "company_name", "Telefoon": "phone"},
        created_at=timezone.now(),
    )


# --- The cases the fuzz found on the code before the fix, kept as plain regressions ---------
BAD_PATCH_BODIES = [
    {"company": {"name": True}},
    {"company": {"name": {"a": 1}}},
    {"company": {"name": [None]}},
    {"company": {"house_number": [[True, None]]}},
    {"company": {"phone": [1, 2]}},
    {"company": {"website": {"a": 1}}},
    {"company": {"website": []}},
    {"company": {"postcode": {"x": []}}},
    {"company": {"employees": "abc"}},
    {"company": {"employees": []}},
    {"company": {"employees": -1}},
    {"company": {"status": {"a": "b"}}},
    {"company": []},
    {"extra": {"x": {"a": 1}}},
    {"extra": {"x": [1]}},
    {"extra": {str(i): "v" for i in range(101)}},
    {"extra": {"x" * 101: "v"}},
    {"persons": {"a": 1}},
    {"persons": [{"id": 5}]},
    {"unknown": 1},
    [1, 2],
    "text",
]


@pytest.mark.parametrize("body", BAD_PATCH_BODIES, ids=[json.dumps(b)[:50] for b in BAD_PATCH_BODIES])
def test_bad_patch_body_is_400_and_changes_nothing(module_world: World, db: Any, body: Any) -> None:
    world = module_world
    company = world.prospect.company
    company.refresh_from_db()
    world.prospect.refresh_from_db()
    before = (company.name, company.phone, company.employees, world.prospect.extra)
    http = world.client_for("client_same_tenant")
    http.raise_request_exception = False
    response = http.patch(f"/api/v1/prospects/{world.prospect.pk}/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    company.refresh_from_db()
    world.prospect.refresh_from_db()
    assert (company.name, company.phone, company.employees, world.prospect.extra) == before


def test_extra_takes_flat_values_as_text(module_world: World, db: Any) -> None:
    world = module_world
    world.assignment.extra_columns = ["Branche", "Omzet", "Klant", "Leeg"]
    world.assignment.save(update_fields=["extra_columns"])
    http = world.client_for("client_same_tenant")
    response = http.patch(
        f"/api/v1/prospects/{world.prospect.pk}/",
        json.dumps({"extra": {"Branche": "Bouw", "Omzet": 12.5, "Klant": True, "Leeg": None}}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content[:300]
    world.prospect.refresh_from_db()
    given = {key: world.prospect.extra[key] for key in ("Branche", "Omzet", "Klant", "Leeg")}
    assert given == {"Branche": "Bouw", "Omzet": "12.5", "Klant": "True", "Leeg": ""}


def _free_form_objects(schema: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Object schemas in a request that say nothing about their values (a bare DictField)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        seen.add(name)
        return _free_form_objects(SCHEMA_DICT["components"]["schemas"][name], name, seen)
    found = []
    if schema.get("type") == "object" and not schema.get("properties"):
        if schema.get("additionalProperties") in (None, True, {}):
            found.append(where)
    for name, sub in (schema.get("properties") or {}).items():
        found += _free_form_objects(sub, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found += _free_form_objects(schema[key], f"{where}[]", seen)
    for sub in schema.get("oneOf", []) + schema.get("allOf", []) + schema.get("anyOf", []):
        found += _free_form_objects(sub, where, seen)
    return found


def test_every_request_body_is_typed() -> None:
    """The class of bug behind the PATCH 500s: a request field typed "any object" lets any
    nesting through to the service. Every input object names its fields or its values' type."""
    found: list[str] = []
    for label, operation in OPERATIONS.items():
        for content in ((operation.definition.raw.get("requestBody") or {}).get("content") or {}).values():
            found += [f"{label}: {where}" for where in _free_form_objects(content.get("schema", {}), "body", set())]
    assert found == []


def test_value_error_on_input_is_400_and_logged(caplog: Any) -> None:
    """A ValueError from a service on input a serializer let through: 400 for the caller, an
    error with its traceback in the log (the serializer is to be fixed); on a read it stays a
    500, a bug not to be hidden."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from apps.core.api import exception_handler

    factory = APIRequestFactory()
    patch = Request(factory.patch("/api/v1/prospects/x/", {}, format="json"))
    response = exception_handler(ValueError("bad"), {"request": patch, "view": object()})
    assert response is not None and response.status_code == 400
    assert any(record.levelname == "ERROR" and record.exc_info for record in caplog.records)
    read = Request(factory.get("/api/v1/prospects/x/"))
    assert exception_handler(ValueError("bad"), {"request": read, "view": object()}) is None
