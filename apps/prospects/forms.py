"""Forms for the shared records, used by every page that corrects them (call screen, portal)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.prospects.models import CompanyStatus, LegalForm


class CompanyForm(forms.Form):
    """Correcting the shared company record (`services.company_update`); saving it unchanged
    confirms it (R-RET-3). Values are normalised by the service, hence plain text fields."""

    name = forms.CharField(label=_("Company name"), max_length=255)
    kvk_number = forms.CharField(label=_("KvK number"), max_length=20, required=False)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    house_number = forms.CharField(label=_("House number"), max_length=20, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    phone = forms.CharField(label=_("General phone"), max_length=32, required=False)
    website = forms.CharField(label=_("Website"), max_length=255, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=150, required=False)
    employees = forms.IntegerField(label=_("Employees (FTE)"), min_value=0, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=CompanyStatus.choices)
    # Issue 14 #8: an eenmanszaak's or vof's name, address and phone identify a person.
    legal_form = forms.ChoiceField(
        label=_("Legal form"), choices=[("", _("unknown")), *LegalForm.choices], required=False
    )
