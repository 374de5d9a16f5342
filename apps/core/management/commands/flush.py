"""`flush` as the owner role: emptying every table is TRUNCATE, which the runtime role may
not do (R-SEC-3). Django's TransactionTestCase flushes after each test through this."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from apps.core import dbroles


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with dbroles.as_owner(options["database"]):
            super().handle(**options)
