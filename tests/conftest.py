from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client as HttpClient
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.accounts.twofactor import two_factor_required
from apps.assignments import services as assignment_services
from apps.assignments.models import Assignment
from apps.audit.models import AccessLogEntry
from apps.callnotes.models import CallNote
from apps.clients.models import Client, ClientContact
from apps.prospects.models import Company, Lease, Person, Prospect
from tests import factories
from tests.twofactor import verify_session


@pytest.fixture(autouse=True, scope="session")
def _test_settings(django_test_environment):  # type: ignore[no-untyped-def]
    """Tests share the real Redis; give this run its own key prefix so parallel runs and
    the development server never see each other's throttles or caches. Password hashing
    is made cheap: the tests log in hundreds of users."""
    from django.conf import settings

    settings.CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:8]}"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- The two database roles (R-SEC-3, issue 15 #11) ----------------------------------------
# The suite runs the application as the runtime role for real: the test database is created
# and migrated by the owner role, then every test connection is the runtime role's (no
# TRUNCATE, owns nothing). With DATABASE_OWNER_URL set, DATABASE_URL is the runtime role;
# otherwise DATABASE_URL names the cluster's administrator (development, CI), and the roles
# `leadhunter_owner` / `leadhunter_app` are created here, idempotently (`apps.core.dbroles`).
_RUNTIME_CREDENTIALS: dict = {}


def _prepare_roles() -> None:
    import psycopg
    from django.conf import settings
    from django.db import connections
    from psycopg import sql

    from apps.core import dbroles

    current = connections["default"].settings_dict
    if dbroles.owner_credentials() is None:
        admin = {"host": current["HOST"] or None, "port": current["PORT"] or None, "user": current["USER"]}
        if current["PASSWORD"]:
            admin["password"] = current["PASSWORD"]
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn, conn.cursor() as cursor:
            dbroles.ensure_roles(
                cursor,
                owner=dbroles.OWNER_ROLE,
                app=dbroles.APP_ROLE,
                passwords=dbroles.DEV_PASSWORDS,
                owner_createdb=True,
            )
            # A test database an earlier run left as another user: the owner takes it over, to drop it.
            test_name = current["TEST"]["NAME"]
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [test_name])
            if cursor.fetchone():
                cursor.execute(
                    sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                        sql.Identifier(test_name), sql.Identifier(dbroles.OWNER_ROLE)
                    )
                )
        settings.DATABASE_OWNER = {"USER": dbroles.OWNER_ROLE, "PASSWORD": dbroles.DEV_PASSWORDS[dbroles.OWNER_ROLE]}
        _RUNTIME_CREDENTIALS.update(USER=dbroles.APP_ROLE, PASSWORD=dbroles.DEV_PASSWORDS[dbroles.APP_ROLE])
    else:
        _RUNTIME_CREDENTIALS.update(USER=current["USER"], PASSWORD=current["PASSWORD"])
    # Created and migrated as the owner (pytest-django's django_db_setup, next).
    current.update(dbroles.owner_credentials())


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):  # type: ignore[no-untyped-def]
    _prepare_roles()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """After pytest-django created and migrated the test database as the owner: grant the
    runtime role and let every connection from here on be the runtime role's; the owner
    again for dropping the database at the end."""
    from django.db import connections

    from apps.core import dbroles

    connection = connections["default"]
    owner = dbroles.owner_credentials()
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            dbroles.grant_runtime(cursor, owner=owner["USER"], app=_RUNTIME_CREDENTIALS["USER"])
        connection.close()
        connection.settings_dict.update(_RUNTIME_CREDENTIALS)
    yield
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(owner)


def empty_ledger_schema(tables: tuple[str, ...] | None = None) -> None:
    """Empty the erasure ledger's append-only tables after a committing test: TRUNCATE, which
    only the owner role may do (and which fires no row trigger)."""
    from django.db import connection

    from apps.core.dbroles import as_owner
    from apps.retention.models import LEDGER_SCHEMA, LEDGER_TABLES

    with as_owner(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(f'"{LEDGER_SCHEMA}"."{t}"' for t in tables or LEDGER_TABLES))


@pytest.fixture(autouse=True)
def _fresh_cache_namespace():  # type: ignore[no-untyped-def]
    """Each test sees an empty cache: a key prefix of its own on the shared Redis.
    (Never `cache.clear()`: on Redis that is FLUSHDB, which would wipe the keys of every
    other process using the server, Celery's broker queues included.)"""
    from apps.accounts import cached

    previous = cache.key_prefix
    cache.key_prefix = f"test-{uuid.uuid4().hex[:12]}"
    cached._paused_until = 0.0  # nor a pause left by a test that stopped Redis (apps.accounts.cached)
    yield
    cache.key_prefix = previous


@pytest.fixture(autouse=True)
def _ledger_schema_emptied_after_committing_tests(request, django_db_blocker):  # type: ignore[no-untyped-def]
    """The erasure ledger's schema (ledger, records, suppression list) is unmanaged and
    append-only, so the test flush leaves it: a test that commits (transaction=True, the
    browser tests) has it emptied afterwards (as the owner: TRUNCATE fires no row trigger). Tests in a
    rolled-back transaction leave nothing behind anyway."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committing = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if committing:
        with django_db_blocker.unblock():
            empty_ledger_schema()


# The roles of the permission matrix (SPEC R-NTK-1, STYLE "Tests"). The target objects of
# the matrix belong to assignment `world.assignment` of client `world.acme`.
ROLES = (
    "anonymous",
    "agent_with_lease",
    "agent_without_lease",
    "agent_other_assignment",
    "client_same_tenant",
    "client_other_tenant",
    "supervisor_other_assignment",
    "supervisor",
    "administrator",
    "privacy_officer",
    "board",
)


@dataclass
class World:
    acme: Client
    globex: Client
    assignment: Assignment  # Acme's active assignment: the matrix target
    inactive_assignment: Assignment  # Acme's inactive one
    other_assignment: Assignment  # Globex's active assignment
    prospect: Prospect  # leased by agent_with_lease
    unleased_prospect: Prospect
    other_prospect: Prospect  # Globex's
    person: Person
    other_person: Person
    company: Company
    note: CallNote
    other_note: CallNote
    contact: ClientContact
    other_contact: ClientContact
    lease: Lease
    access_log_entry: AccessLogEntry
    users: dict[str, User] = field(default_factory=dict)

    def client_for(self, role: str, *, verified: bool = True) -> HttpClient:
        """A test client logged in as `role`. Roles that must use two-factor authentication
        get a verified session (tests/twofactor.py), unless `verified=False`: the tests of
        that enforcement (R-SEC-1)."""
        http = HttpClient()
        if role != "anonymous":
            http.force_login(self.users[role])
            if verified and two_factor_required(self.users[role]):
                verify_session(http, self.users[role])
        return http


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """One world for a whole module of read-only tests (the permission matrix): built once
    inside a transaction that is rolled back at the end; each test still runs in its own
    savepoint through the `db` fixture."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def build_world() -> World:
    acme = factories.ClientFactory(name="Acme BV")
    globex = factories.ClientFactory(name="Globex BV")
    users = {
        "client_same_tenant": factories.UserFactory(username="client-acme", role=Role.CLIENT, client=acme),
        "client_other_tenant": factories.UserFactory(username="client-globex", role=Role.CLIENT, client=globex),
        "agent_with_lease": factories.UserFactory(username="agent-lease", role=Role.AGENT),
        "agent_without_lease": factories.UserFactory(username="agent-nolease", role=Role.AGENT),
        "agent_other_assignment": factories.UserFactory(username="agent-globex", role=Role.AGENT),
        "supervisor": factories.UserFactory(username="supervisor", role=Role.SUPERVISOR),
        "supervisor_other_assignment": factories.UserFactory(username="supervisor-globex", role=Role.SUPERVISOR),
        "administrator": factories.UserFactory(username="admin", role=Role.ADMINISTRATOR),
        "privacy_officer": factories.UserFactory(username="privacy", role=Role.ADMINISTRATOR, is_privacy_officer=True),
        "board": factories.UserFactory(username="board", role=Role.BOARD),
    }
    assignment = factories.AssignmentFactory(client=acme, name="Acme active")
    inactive = factories.AssignmentFactory(client=acme, name="Acme inactive", active=False)
    other = factories.AssignmentFactory(client=globex, name="Globex active")
    for a in (assignment, inactive):
        assignment_services.assignment_add_supervisor(assignment=a, user=users["supervisor"])
    assignment_services.assignment_add_supervisor(assignment=other, user=users["supervisor_other_assignment"])
    for role in ("agent_with_lease", "agent_without_lease"):
        assignment_services.assignment_schedule_agent(assignment=assignment, user=users[role])
    assignment_services.assignment_schedule_agent(assignment=other, user=users["agent_other_assignment"])

    prospect = factories.ProspectFactory(assignment=assignment, with_person=True)
    unleased = factories.ProspectFactory(assignment=assignment, with_person=True)
    other_prospect = factories.ProspectFactory(assignment=other, with_person=True)
    lease = factories.LeaseFactory(prospect=prospect, agent=users["agent_with_lease"])
    return World(
        acme=acme,
        globex=globex,
        assignment=assignment,
        inactive_assignment=inactive,
        other_assignment=other,
        prospect=prospect,
        unleased_prospect=unleased,
        other_prospect=other_prospect,
        person=prospect.persons.get(),
        other_person=other_prospect.persons.get(),
        company=prospect.company,
        note=factories.CallNoteFactory(prospect=prospect, agent=users["agent_with_lease"]),
        other_note=factories.CallNoteFactory(prospect=other_prospect, agent=users["agent_other_assignment"]),
        contact=factories.ClientContactFactory(client=acme),
        other_contact=factories.ClientContactFactory(client=globex),
        lease=lease,
        access_log_entry=AccessLogEntry.objects.create(
            at=timezone.now() - dt.timedelta(days=1),
            actor_id=users["supervisor"].pk,
            action="view",
            object_type="prospects.prospect",
            object_id=str(prospect.pk),
            assignment_id=assignment.pk,
        ),
        users=users,
    )


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
