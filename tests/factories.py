"""factory_boy factories, in one place. Objects with invariants are built through the services."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.accounts.services import user_create
from apps.appointments.models import Appointment, AppointmentKind
from apps.assignments import services as assignment_services
from apps.assignments.models import Assignment
from apps.callnotes.models import CallNote
from apps.clients.models import Client, ClientContact
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from apps.prospects.models import Company, Lease, Person, Prospect, ProspectPerson

PASSWORD = "a-long-test-password"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n} BV")


class ClientContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientContact

    client = factory.SubFactory(ClientFactory)
    first_name = "Marieke"
    last_name = factory.Sequence(lambda n: f"Contact{n}")
    email = factory.LazyAttribute(lambda o: f"{o.last_name.lower()}@client.example")


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(role=Role.AGENT)`; client users get a client of their own unless given one."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.AGENT
    client = None
    is_privacy_officer = False
    confidentiality_signed_on = dt.date(2025, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        role = Role(kwargs["role"])
        if role == Role.CLIENT:
            kwargs["client"] = kwargs.get("client") or ClientFactory()
            kwargs["confidentiality_signed_on"] = None
        return user_create(
            username=kwargs["username"],
            role=role,
            password=PASSWORD,
            client=kwargs.get("client"),
            is_privacy_officer=kwargs.get("is_privacy_officer", False),
            confidentiality_signed_on=kwargs.get("confidentiality_signed_on"),
        )


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment made by the service; `accepted=True` accepts its agreement, `active=True` activates it."""

    class Meta:
        model = Assignment

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    # Not model fields: _create pops them and calls the services.
    accepted = True
    active = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        accepted, active = kwargs.pop("accepted"), kwargs.pop("active")
        assignment = assignment_services.assignment_create(**kwargs)
        if accepted or active:
            client_user = assignment.client.users.first() or UserFactory(role=Role.CLIENT, client=assignment.client)
            assignment_services.processor_agreement_accept(assignment=assignment, actor=client_user, ip_address=None)
        if active:
            assignment = assignment_services.assignment_set_active(assignment=assignment, active=True)
        return assignment


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Bedrijf {n} BV")
    name_normalised = factory.LazyAttribute(lambda o: o.name.lower())
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    postcode = "1234 AB"
    city = "Utrecht"
    verified_at = factory.LazyFunction(timezone.now)


class PersonFactory(factory.django.DjangoModelFactory):
    """A record of one client (R-IMP-4): give `client=` (ProspectFactory's `with_person` does)."""

    class Meta:
        model = Person

    client = factory.SubFactory(ClientFactory)
    company = factory.SubFactory(CompanyFactory)
    first_name = "Jan"
    last_name = factory.Sequence(lambda n: f"Persoon{n}")
    email = factory.LazyAttribute(lambda o: f"{o.last_name.lower()}@bedrijf.example")
    phone = "+31612345678"
    verified_at = factory.LazyFunction(timezone.now)


class ProspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prospect
        skip_postgeneration_save = True

    assignment = factory.SubFactory(AssignmentFactory)
    company = factory.SubFactory(CompanyFactory)

    @factory.post_generation
    def with_person(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """`ProspectFactory(with_person=True)` links one new person at the company."""
        if create and extracted:
            person = PersonFactory(company=self.company, client=self.assignment.client)
            ProspectPerson.objects.create(prospect=self, person=person)


class CallNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallNote

    prospect = factory.SubFactory(ProspectFactory)
    assignment = factory.SelfAttribute("prospect.assignment")
    company = factory.SelfAttribute("prospect.company")
    agent = factory.SubFactory(UserFactory, role=Role.AGENT)
    result = factory.LazyAttribute(lambda o: o.assignment.results.first())
    text = "Gesproken met de receptie."
    created_at = factory.LazyFunction(timezone.now)


class AppointmentFactory(factory.django.DjangoModelFactory):
    """An appointment made on a call (R-APPT-1): `AppointmentFactory(note=note)` takes the
    note's prospect, its first person and one contact of the client as account manager."""

    class Meta:
        model = Appointment

    note = factory.SubFactory(CallNoteFactory)
    assignment = factory.SelfAttribute("note.assignment")
    prospect = factory.SelfAttribute("note.prospect")
    company = factory.SelfAttribute("note.company")
    agent = factory.SelfAttribute("note.agent")
    person = factory.LazyAttribute(lambda o: o.prospect.persons.first() if o.prospect else None)
    account_manager = factory.LazyAttribute(lambda o: o.assignment.client.contacts.first())
    kind = AppointmentKind.ON_SITE
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    created_at = factory.LazyFunction(timezone.now)


class LeaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lease

    prospect = factory.SubFactory(ProspectFactory)
    assignment = factory.SelfAttribute("prospect.assignment")
    agent = factory.SubFactory(UserFactory, role=Role.AGENT)
    leased_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.leased_at + dt.timedelta(minutes=30))


class DataSubjectRequestFactory(factory.django.DjangoModelFactory):
    """An unconfirmed request as the public form files it; `confirmed=True` for one whose
    14-day clock runs (R-DSR-2). Services of apps.privacy build the real ones."""

    class Meta:
        model = DataSubjectRequest

    class Params:
        confirmed = factory.Trait(
            status=RequestStatus.OPEN,
            confirmed_at=factory.LazyFunction(timezone.now),
            due_at=factory.LazyAttribute(lambda o: o.confirmed_at + dt.timedelta(days=14)),
            legal_due_at=factory.LazyAttribute(lambda o: o.confirmed_at + dt.timedelta(days=30)),
        )

    kind = RequestKind.ACCESS
    name = "Jan de Vries"
    email = factory.Sequence(lambda n: f"requester{n}@example.org")
    submitted_at = factory.LazyFunction(timezone.now)
    confirm_before = factory.LazyAttribute(lambda o: o.submitted_at + dt.timedelta(hours=48))
