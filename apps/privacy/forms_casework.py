"""The privacy officer's lookup form (R-DSR-3, R-NOTE-1): another spelling within a request.

A Django form, so that NUL bytes and over-long values are form errors, never a 500; a typed
name must be a first and a last name specific enough to search note text with."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.privacy.casework import NAME_PART_MIN, NAME_TOTAL_MIN, name_searchable
from apps.prospects import normalise


class LookupForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200, required=False)
    email = forms.CharField(label=_("email address"), max_length=254, required=False)
    phone = forms.CharField(label=_("phone number"), max_length=32, required=False)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if name and not name_searchable(name):
            raise forms.ValidationError(
                _("Type a first and a last name, each at least %(part)d characters and together at least %(total)d.")
                % {"part": NAME_PART_MIN, "total": NAME_TOTAL_MIN}
            )
        return name

    def clean_email(self) -> str:
        try:
            return normalise.email(self.cleaned_data["email"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_phone(self) -> str:
        try:
            return normalise.phone(self.cleaned_data["phone"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
