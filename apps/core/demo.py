"""The demo world of SPEC §5 `seed_demo`: deterministic, idempotent, built through the services.

Names, streets and companies are made up from small lists with a fixed random seed, so
every run (and every machine) produces the same data and a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.accounts.services import user_create
from apps.assignments import services as assignment_services
from apps.assignments.models import Assignment, CallResult, Outcome
from apps.callnotes.models import CallNote
from apps.clients.models import Client, ClientContact
from apps.prospects.models import Company, Person, Prospect, ProspectPerson, ProspectStatus

FIRST_NAMES = [
    "Anne",
    "Bram",
    "Chantal",
    "Daan",
    "Eva",
    "Femke",
    "Gijs",
    "Hanna",
    "Iris",
    "Jeroen",
    "Kees",
    "Lotte",
    "Mark",
    "Noor",
    "Olaf",
    "Petra",
    "Ruben",
    "Sanne",
    "Thijs",
    "Vera",
    "Willem",
    "Yara",
]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
]
JOB_TITLES = [
    "Directeur",
    "Inkoper",
    "Hoofd ICT",
    "Office manager",
    "Marketingmanager",
    "Facilitair manager",
    "Commercieel directeur",
    "Operationeel manager",
]
WORDS = ["Noord", "Polder", "Delta", "Tulp", "Molen", "Duin", "Gracht", "Kade", "Haven", "Linde", "Eiken", "Zon"]
TRADES = [
    ("Techniek", "Installatietechniek"),
    ("Logistiek", "Transport en logistiek"),
    ("Bouw", "Bouw"),
    ("Zorg", "Zorg"),
    ("Software", "ICT"),
    ("Advies", "Zakelijke dienstverlening"),
    ("Food", "Voeding"),
]
CITIES = [
    ("Amsterdam", "10"),
    ("Rotterdam", "30"),
    ("Utrecht", "35"),
    ("Eindhoven", "56"),
    ("Groningen", "97"),
    ("Zwolle", "80"),
    ("Breda", "48"),
    ("Arnhem", "68"),
    ("Haarlem", "20"),
    ("Leiden", "23"),
]
STREETS = ["Stationsweg", "Industrieweg", "Kerkstraat", "Havenkade", "Marktplein", "Parallelweg", "Dorpsstraat"]
POSTCODE_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"
NOTES = [
    "Gesproken met de receptie; beslisser is deze week afwezig.",
    "Interesse in een demonstratie, graag volgende maand terugbellen.",
    "Heeft al een leverancier, contract loopt nog een jaar.",
    "Afspraak ingepland met de directeur.",
    "Geen gehoor, voicemail ingesproken.",
    "Informatie per e-mail toegezegd.",
]


@dataclass(frozen=True)
class DemoAssignment:
    client: str
    name: str
    active: bool
    prospects: int
    description: str


DEMO_ASSIGNMENTS = [
    DemoAssignment("Acme BV", "Voorjaarscampagne 2026", True, 240, "Afspraken voor de accountmanagers van Acme."),
    DemoAssignment("Acme BV", "Beurs follow-up 2025", False, 80, "Nabellen van bezoekers van de vakbeurs."),
    DemoAssignment("Globex BV", "Najaarsacties 2026", True, 180, "Leadkwalificatie voor Globex."),
    DemoAssignment("Globex BV", "Klanttevredenheid 2025", False, 60, "Tevredenheidsonderzoek onder klanten."),
]

# username: (role, client name, privacy officer)
DEMO_USERS: dict[str, tuple[Role, str | None, bool]] = {
    "admin": (Role.ADMINISTRATOR, None, False),
    "privacy": (Role.ADMINISTRATOR, None, True),
    "supervisor": (Role.SUPERVISOR, None, False),
    "agent1": (Role.AGENT, None, False),
    "agent2": (Role.AGENT, None, False),
    "agent3": (Role.AGENT, None, False),
    "board": (Role.BOARD, None, False),
    "client-acme": (Role.CLIENT, "Acme BV", False),
    "client-globex": (Role.CLIENT, "Globex BV", False),
}


# R-SEC-1: the demo's staff who must use two-factor authentication (administrators,
# supervisors, board) share this documented authenticator secret (base32), printed by
# seed_demo and in the README: add it to an authenticator app once, or compute the code with
# `oathtool --totp -b <secret>`. Demo only: real users enrol their own at first login.
DEMO_TOTP_SECRET = "LEADHUNTERDEMO2FALEADHUNTERDEMO2"  # noqa: S105 (documented, demo only)


def _demo_authenticator(user: User) -> None:
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.twofactor import TOTP_DEVICE_NAME, two_factor_required

    if two_factor_required(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        key = base64.b32decode(DEMO_TOTP_SECRET).hex()
        TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)


def _user(username: str, password: str, clients: dict[str, Client]) -> User:
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    role, client_name, privacy = DEMO_USERS[username]
    return user_create(
        username=username,
        role=role,
        password=password,
        client=clients.get(client_name or ""),
        email=f"{username}@leadhunter.example",
        is_privacy_officer=privacy,
        confidentiality_signed_on=None if role == Role.CLIENT else dt.date(2025, 1, 6),
        check_password_strength=False,  # the documented demo password
    )


def _assignment(spec: DemoAssignment, client: Client, client_user: User) -> Assignment:
    assignment = Assignment.objects.filter(client=client, name=spec.name).first()
    if assignment is None:
        assignment = assignment_services.assignment_create(
            client=client,
            name=spec.name,
            description=spec.description,
            briefing=f"Stel je voor namens {client.name}.\nVraag naar de beslisser en peil de interesse.",
            starts_on=dt.date(2026, 1, 1) if spec.active else dt.date(2025, 3, 1),
            # The active one has no end date: the clock rule would end it (R-NTK-3, assignment_end).
            ends_on=None if spec.active else dt.date(2025, 12, 31),
        )
        assignment_services.processor_agreement_accept(assignment=assignment, actor=client_user, ip_address=None)
    if assignment.is_active != spec.active:
        assignment_services.assignment_set_active(assignment=assignment, active=spec.active)
    return assignment


def _companies(rng: random.Random, count: int, offset: int, now: dt.datetime) -> list[Company]:
    """`count` companies with KvK numbers from `offset`: shared between clients where ranges overlap."""
    wanted = {f"{60000000 + offset + i:08d}": i + offset for i in range(count)}
    existing = {c.kvk_number: c for c in Company.objects.filter(kvk_number__in=wanted)}
    new = []
    for kvk, n in wanted.items():
        if kvk in existing:
            continue
        local = random.Random(n)  # the same company whoever creates it
        word, (trade, industry) = local.choice(WORDS), local.choice(TRADES)
        city, pc = local.choice(CITIES)
        name = f"{word}{trade} {local.choice(['BV', 'B.V.', 'Holding BV', 'VOF'])}"
        new.append(
            Company(
                name=name,
                name_normalised=name.lower(),
                kvk_number=kvk,
                street=local.choice(STREETS),
                house_number=str(local.randint(1, 250)),
                postcode=f"{pc}{local.randint(10, 99)} {''.join(local.choices(POSTCODE_LETTERS, k=2))}",
                city=city,
                phone=f"+31{pc}{local.randint(1000000, 9999999)}"[:12],
                website=f"https://www.{word.lower()}{trade.lower()}{n}.nl",
                website_domain=f"{word.lower()}{trade.lower()}{n}.nl",
                industry=industry,
                employees=local.choice([5, 12, 25, 60, 140, 400]),
                # Some verified long ago, so the 6-month "verify" flag shows up in the demo.
                verified_at=now - dt.timedelta(days=local.choice([10, 40, 90, 150, 200, 260])),
            )
        )
    Company.objects.bulk_create(new)
    existing.update({c.kvk_number: c for c in new})
    return [existing[kvk] for kvk in wanted]


def _fill(
    assignment: Assignment, companies: list[Company], agents: list[User], rng: random.Random, now: dt.datetime
) -> None:
    """Prospects with one or two persons each, and notes on about a third of them."""
    results = list(CallResult.objects.filter(assignment=assignment).order_by("position"))
    prospects = Prospect.objects.bulk_create(
        Prospect(assignment=assignment, company=c, extra={"Klantnummer": f"{i + 1:05d}", "Regio": c.city})
        for i, c in enumerate(companies)
    )
    assignment.extra_columns = ["Klantnummer", "Regio"]
    assignment.save(update_fields=["extra_columns"])
    persons, links = [], []
    for prospect in prospects:
        for _ in range(rng.choice([1, 1, 2])):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            person = Person(
                client_id=assignment.client_id,  # one record per person per client (R-IMP-4)
                company=prospect.company,
                first_name=first,
                last_name=last,
                job_title=rng.choice(JOB_TITLES),
                email=f"{first}.{last.replace(' ', '')}{rng.randint(1, 999)}@{prospect.company.website_domain}".lower(),
                phone=f"+316{rng.randint(10000000, 99999999)}",
                source="upload",
                verified_at=now - dt.timedelta(days=rng.choice([5, 30, 120, 200, 300])),
            )
            persons.append(person)
            links.append(ProspectPerson(prospect=prospect, person=person))
    Person.objects.bulk_create(persons)
    ProspectPerson.objects.bulk_create(links)
    notes = []
    for prospect in prospects:
        if rng.random() > 0.35:
            continue
        called_at = now - dt.timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
        for _ in range(rng.choice([1, 1, 2])):
            result = rng.choice(results)
            notes.append(
                CallNote(
                    assignment=assignment,
                    prospect=prospect,
                    company=prospect.company,
                    agent=rng.choice(agents),
                    result=result,
                    text=rng.choice(NOTES),
                    created_at=called_at,
                )
            )
            called_at += dt.timedelta(days=rng.randint(1, 5))
        prospect.last_result, prospect.last_called_at = result, called_at
        if result.outcome == Outcome.DONE:
            prospect.status = ProspectStatus.DONE
        elif result.outcome == Outcome.CALLBACK:
            prospect.status, prospect.callback_at = ProspectStatus.CALLBACK, now + dt.timedelta(days=rng.randint(1, 14))
            prospect.callback_agent = notes[-1].agent
        else:
            prospect.status = ProspectStatus.IN_PROGRESS
    CallNote.objects.bulk_create(notes)
    Prospect.objects.bulk_update(
        prospects, ["last_result", "last_called_at", "status", "callback_at", "callback_agent"]
    )


@transaction.atomic
def seed_demo(*, password: str = "demo") -> dict[str, User]:  # noqa: S107 (the documented demo password)
    now = timezone.now()
    rng = random.Random(2026)
    clients = {}
    for name, kvk in (("Acme BV", "12345678"), ("Globex BV", "87654321")):
        clients[name], created = Client.objects.get_or_create(name=name, defaults={"kvk_number": kvk})
        if created:
            ClientContact.objects.bulk_create(
                [
                    ClientContact(
                        client=clients[name],
                        first_name="Marieke",
                        last_name="Kok",
                        job_title="Marketingmanager",
                        email=f"marieke.kok@{name.split()[0].lower()}.example",
                        phone="+31201234567",
                    ),
                    ClientContact(
                        client=clients[name],
                        first_name="Peter",
                        last_name="Hoekstra",
                        job_title="Directeur",
                        email=f"peter.hoekstra@{name.split()[0].lower()}.example",
                        phone="+31207654321",
                    ),
                ]
            )
    users = {username: _user(username, password, clients) for username in DEMO_USERS}
    for user in users.values():
        _demo_authenticator(user)
    offset = 0
    for spec in DEMO_ASSIGNMENTS:
        client = clients[spec.client]
        client_user = users["client-acme" if spec.client == "Acme BV" else "client-globex"]
        assignment = _assignment(spec, client, client_user)
        if spec.client == "Acme BV":
            assignment_services.assignment_add_supervisor(assignment=assignment, user=users["supervisor"])
            agents = [users["agent1"], users["agent2"]]
        else:
            agents = [users["agent3"]]
        if spec.active:
            for agent in agents:
                assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
        if not assignment.prospects.exists():
            # Overlapping KvK ranges: some companies are in both clients' databases (shared records).
            _fill(assignment, _companies(rng, spec.prospects, offset, now), agents, rng, now)
        offset += spec.prospects - 40
    from apps.hr.demo import seed_hr_demo

    seed_hr_demo(users=users)
    from apps.privacy.demo import seed_privacy_demo

    seed_privacy_demo()
    from apps.registers.demo import seed_registers_demo

    seed_registers_demo(users=users)
    return users
