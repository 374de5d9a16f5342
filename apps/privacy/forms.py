"""Forms of the public request page and of the privacy officer's actions (R-DSR-1, R-DSR-2)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.errors import ServiceError
from apps.privacy.models import RequestKind
from apps.privacy.services import RequestInput, request_clean


class RequestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    # type=email and type=tel bring up a phone's keyboard for them; the service still checks.
    email = forms.CharField(
        label=_("Your email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    company = forms.CharField(label=_("Company (optional)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("What do you ask for?"), choices=RequestKind.choices, widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Message (optional)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by bots. A filled one
    # gets the same answer as everyone, and nothing is stored or sent.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    cleaned_request: RequestInput

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.cleaned_request = request_clean(
                name=data["name"],
                email=data["email"],
                kind=data["kind"],
                phone=data.get("phone", ""),
                company=data.get("company", ""),
                message=data.get("message", ""),
            )
        except ServiceError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


class AnswerForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refusal (emailed to the requester)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
