from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts import guards
from apps.accounts.models import Role, User
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
        parser.add_argument(
            "--approved-by",
            metavar="BOARD_MEMBER",
            help="a board member approving a board or privacy-officer account (their password is asked, "
            "or read from LEADHUNTER_APPROVER_PASSWORD); not needed for the very first board member",
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
        approver = None
        if guards.is_guarded(role=options["role"], is_privacy_officer=options["privacy_officer"]):
            approver = self._approver(options["approved_by"])
        try:
            with guards.acting_as(approver) if approver else contextlib.nullcontext():
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

    def _approver(self, username: str | None) -> User | None:
        """Only the board manages board and privacy-officer accounts (issue 15 #10): a board
        member approves with their password. The very first board member needs nobody."""
        board = User.objects.filter(role=Role.BOARD, is_active=True)
        if not any(member.has_usable_password() for member in board):
            return None  # bootstrap: there is no board yet to ask
        if not username:
            raise CommandError("A board or privacy-officer account needs --approved-by BOARD_MEMBER.")
        approver = board.filter(username__iexact=username).first()
        secret = os.environ.get("LEADHUNTER_APPROVER_PASSWORD")
        if secret is None and sys.stdin.isatty():
            secret = getpass.getpass(f"Password of board member {username}: ")
        if approver is None or not secret or not approver.check_password(secret):
            raise CommandError(f"{username!r} is not an active board member, or the password is wrong.")
        if not guards.may_manage_guarded(approver):
            raise CommandError(f"{username!r} has no confidentiality agreement on record.")
        return approver
