from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.core.demo import DEMO_TOTP_SECRET, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Create the demo data of SPEC §5 (idempotent): clients, assignments, prospects, notes and a user per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="demo", help="password of every demo user (default: demo)")

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo(password=options["password"])
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in as:"))
        for username, (role, client, privacy) in DEMO_USERS.items():
            extra = f" of {client}" if client else ""
            extra += " + privacy officer" if privacy else ""
            self.stdout.write(f"  {username:<14} {role.label}{extra}")
        self.stdout.write(f"  password: {options['password']}")
        self.stdout.write(
            f"  two-factor code (admin, privacy, supervisor, board): an authenticator app with the demo key "
            f"{DEMO_TOTP_SECRET}, or `oathtool --totp -b {DEMO_TOTP_SECRET}`"
        )
