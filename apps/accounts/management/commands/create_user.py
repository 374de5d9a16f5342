from __future__ import annotations

import datetime as dt
import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.models import Role
from apps.accounts.services import user_create
from apps.clients.models import Client
from apps.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create a user with a role (SPEC §1): create_user USERNAME --role ROLE [--client NAME]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--client", help="the client's name (client users only)")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="asked for when not given and a terminal is attached")
        parser.add_argument("--privacy-officer", action="store_true", help="grant the privacy-officer permission")
        parser.add_argument(
            "--confidentiality-signed-on",
            type=dt.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="date the confidentiality agreement was signed (staff cannot open client data without it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client = None
        if options["client"]:
            client = Client.objects.filter(name=options["client"]).first()
            if client is None:
                raise CommandError(f"No client named {options['client']!r}.")
        password = options["password"]
        if password is None and sys.stdin.isatty():
            password = getpass.getpass("Password: ")
        try:
            user = user_create(
                username=options["username"],
                role=options["role"],
                password=password,
                client=client,
                email=options["email"],
                is_privacy_officer=options["privacy_officer"],
                confidentiality_signed_on=options["confidentiality_signed_on"],
            )
        except ServiceError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({user.get_role_display()})."))
