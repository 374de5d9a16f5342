from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.appointments.models import AppointmentKind
from apps.appointments.services import AppointmentDetails, InformationDetails
from apps.assignments.models import Asks, CallResult
from apps.calling.models import SkipReason
from apps.calling.services import NOTE_MAX_LENGTH

# Day-month-year first, as a Dutch agent types it; ISO still accepted (API clients, old pages).
DUTCH_DATETIME = [
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H.%M",
    "%d-%m-%Y %H%M",
    "%d/%m/%Y %H:%M",
    "%d-%m-%y %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
]
DUTCH_DATETIME_DISPLAY = "%d-%m-%Y %H:%M"


class CallForm(forms.Form):
    """Result, note and optional callback of one call (R-CALL-2)."""

    result = forms.ModelChoiceField(queryset=CallResult.objects.none(), widget=forms.RadioSelect, label=_("Result"))
    text = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    # Typed the Dutch way, whatever the browser's own language (a datetime-local field
    # follows the browser's, so Dutch agents met mm/dd/yyyy): "30-11-2026 10:00".
    callback_at = forms.DateTimeField(label=_("Call back on"), required=False, input_formats=DUTCH_DATETIME)

    # "Appointment made" (R-APPT-1); read only when the chosen result asks for it.
    appointment_at = forms.DateTimeField(label=_("Appointment on"), required=False, input_formats=DUTCH_DATETIME)
    appointment_kind = forms.ChoiceField(label=_("Kind"), required=False, choices=AppointmentKind.choices)
    appointment_person = forms.UUIDField(label=_("With"), required=False)
    appointment_manager = forms.UUIDField(label=_("Account manager"), required=False)

    # "Send information" (issue 13 #1); read only when the chosen result asks for an email.
    information_person = forms.UUIDField(label=_("For"), required=False)
    information_email = forms.CharField(label=_("Email address"), required=False, max_length=254)

    def __init__(self, *args: Any, results: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = results

    def appointment(self) -> AppointmentDetails | None:
        """The appointment typed, when the chosen result asks for one."""
        result = self.cleaned_data.get("result")
        if result is None or result.asks != Asks.APPOINTMENT:
            return None
        return AppointmentDetails(
            starts_at=self.cleaned_data.get("appointment_at"),
            kind=self.cleaned_data.get("appointment_kind") or "",
            person_id=self.cleaned_data.get("appointment_person"),
            account_manager_id=self.cleaned_data.get("appointment_manager"),
        )

    def information(self) -> InformationDetails | None:
        """The address typed, when the chosen result asks for one (checked by the service)."""
        result = self.cleaned_data.get("result")
        if result is None or result.asks != Asks.EMAIL:
            return None
        return InformationDetails(
            person_id=self.cleaned_data.get("information_person"),
            email=self.cleaned_data.get("information_email") or "",
        )


class SkipForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why skip?"), choices=SkipReason.choices)


class PersonForm(forms.Form):
    """A person's details. For verifying, an empty field keeps what is on record, so a
    flagged person can be confirmed without their hidden details ever being shown."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    tussenvoegsel = forms.CharField(label=_("Tussenvoegsel"), max_length=30, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    email = forms.CharField(label=_("Direct email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Direct phone"), max_length=32, required=False)

    def given(self) -> dict[str, str]:
        return {k: v.strip() for k, v in self.cleaned_data.items() if v and v.strip()}
