"""Demo registers for the privacy officers (`manage.py seed_demo`), idempotent: one
subprocessor with a processor agreement, and one breach (R-REG-1, R-REG-2). Made up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from apps.clients.models import Client
from apps.registers import services
from apps.registers.models import Breach, ReportDecision, Subprocessor
from apps.registers.terms import DataCategory, Term, TermUnit

DEMO_SUBPROCESSOR = "Hostingbedrijf Noord BV"
DEMO_BREACH = "Laptop van een beller gestolen"


def seed_registers_demo(*, users: dict[str, Any]) -> None:
    actor = next((u for u in users.values() if getattr(u, "is_privacy_officer", False)), None)
    now = timezone.now()
    if not Subprocessor.objects.filter(name=DEMO_SUBPROCESSOR).exists():
        hosting = services.subprocessor_create(
            actor=actor,
            name=DEMO_SUBPROCESSOR,
            service="Hosting van de applicatie, de database en de back-ups",
            country="NL",
            location="Datacentrum Groningen",
            contact="privacy@hosting-noord.example",
            categories=[DataCategory.PERSONS, DataCategory.COMPANIES, DataCategory.ACCESS_LOGS, DataCategory.BACKUPS],
        )
        services.agreement_create(
            subprocessor=hosting,
            actor=actor,
            signed_on=timezone.localdate(now) - dt.timedelta(days=200),
            reference="VWO-2026-01",
            document_location="Contractenmap, map Verwerkers",
            valid_until=None,
            ended_on=None,
            terms={
                DataCategory.PERSONS: Term(12, TermUnit.MONTHS),
                DataCategory.COMPANIES: None,
                DataCategory.ACCESS_LOGS: Term(28, TermUnit.DAYS),
                DataCategory.BACKUPS: Term(14, TermUnit.DAYS),
            },
        )
    if not Breach.objects.filter(summary=DEMO_BREACH).exists():
        services.breach_create(
            actor=actor,
            now=now,
            summary=DEMO_BREACH,
            description="Uit de auto van een beller is een laptop gestolen. De schijf is versleuteld.",
            occurred_at=now - dt.timedelta(hours=30),
            discovered_at=now - dt.timedelta(hours=20),
            categories=[DataCategory.PERSONS],
            clients=list(Client.objects.filter(name="Acme BV")),
            persons_affected=0,
            consequences="Geen: de gegevens zijn versleuteld en de laptop is op afstand gewist.",
            measures="Laptop op afstand gewist, wachtwoord van de beller vervangen.",
            decision=ReportDecision.PENDING,
        )
