"""`migrate` as the owner role (R-SEC-3, issue 15 #11): the migrations run on a connection
with DATABASE_OWNER_URL's credentials, then the runtime role (DATABASE_URL's user) is granted
its data rights on whatever they created (`apps.core.dbroles.grant_runtime`)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as MigrateCommand

from apps.core import dbroles


class Command(MigrateCommand):
    help = MigrateCommand.help + " Runs as the owner role (DATABASE_OWNER_URL) and grants the runtime role."

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        app = dbroles.runtime_role(using)
        with dbroles.as_owner(using) as connection:
            super().handle(*args, **options)
            owner = dbroles.owner_credentials()
            if app and owner and not options.get("plan"):
                with connection.cursor() as cursor:
                    dbroles.grant_runtime(cursor, owner=owner["USER"], app=app)
