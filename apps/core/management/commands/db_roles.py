"""Create the owner and runtime roles and hand the database to the owner (R-SEC-3).

Run with DATABASE_URL naming a superuser (the cluster's administrator), once per database;
idempotent. `scripts/dev.py` runs it; docker-compose's init script does the same in SQL.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from apps.core import dbroles


class Command(BaseCommand):
    help = (
        "Create (if missing) the owner and the runtime database roles, make the owner own the "
        "database and its objects, and grant the runtime role its data rights. Needs a superuser."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", default=dbroles.OWNER_ROLE)
        parser.add_argument("--app", default=dbroles.APP_ROLE)
        parser.add_argument(
            "--dev-passwords",
            action="store_true",
            help="give newly created roles the development passwords (local clusters, CI)",
        )
        parser.add_argument("--createdb", action="store_true", help="let the owner create databases (tests)")
        parser.add_argument(
            "--print-urls", action="store_true", help="print DATABASE_URL and DATABASE_OWNER_URL as JSON"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        owner, app = options["owner"], options["app"]
        passwords = dbroles.DEV_PASSWORDS if options["dev_passwords"] else None
        database = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            dbroles.ensure_roles(cursor, owner=owner, app=app, passwords=passwords, owner_createdb=options["createdb"])
            dbroles.take_ownership(cursor, owner=owner, database=database)
            dbroles.grant_runtime(cursor, owner=owner, app=app)
        if options["print_urls"]:
            self.stdout.write(
                json.dumps(
                    {"DATABASE_URL": self._url(app, passwords), "DATABASE_OWNER_URL": self._url(owner, passwords)}
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Roles {owner} (owner) and {app} (runtime) ready on {database}."))

    def _url(self, role: str, passwords: dict[str, str] | None) -> str:
        s = connection.settings_dict
        password = (passwords or {}).get(role)
        auth = quote(role, safe="") + (":" + quote(password, safe="") if password else "")
        host = quote(str(s.get("HOST") or ""), safe="")
        port = f":{s['PORT']}" if s.get("PORT") else ""
        return f"postgres://{auth}@{host}{port}/{quote(str(s['NAME']), safe='')}"
