from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.appointments.models import AppointmentKind
from apps.appointments.services import AppointmentDetails
from apps.assignments.models import Asks, CallResult
from apps.calling.models import SkipReason
from apps.calling.services import NOTE_MAX_LENGTH


class CallForm(forms.Form):
    """Result, note and optional callback of one call (R-CALL-2)."""

    result = forms.ModelChoiceField(queryset=CallResult.objects.none(), widget=forms.RadioSelect, label=_("Result"))
    text = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    callback_at = forms.DateTimeField(
        label=_("Call back on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    # "Appointment made" (R-APPT-1); read only when the chosen result asks for it.
    appointment_at = forms.DateTimeField(
        label=_("Appointment on"), required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    appointment_kind = forms.ChoiceField(label=_("Kind"), required=False, choices=AppointmentKind.choices)
    appointment_person = forms.UUIDField(label=_("With"), required=False)
    appointment_manager = forms.UUIDField(label=_("Account manager"), required=False)

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


class SkipForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why skip?"), choices=SkipReason.choices)


class PersonForm(forms.Form):
    """A person's details. For verifying, an empty field keeps what is on record, so a
    flagged person can be confirmed without their hidden details ever being shown."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    email = forms.CharField(label=_("Direct email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Direct phone"), max_length=32, required=False)

    def given(self) -> dict[str, str]:
        return {k: v.strip() for k, v in self.cleaned_data.items() if v and v.strip()}
