from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.clients.models import Client
from apps.registers.models import Breach, BreachClientNotice, BreachSource, Subprocessor, SubprocessorAgreement
from apps.registers.services import category_label
from apps.registers.terms import DataCategory, Term, TermUnit, our_limit


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SubprocessorForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("data categories received"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Subprocessor
        fields = ["name", "service", "country", "location", "contact", "categories"]

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()

    def _post_clean(self) -> None:
        # Upper-case the code before the model's validators see it.
        if "country" in self.cleaned_data:
            self.instance.country = self.cleaned_data["country"]
        super()._post_clean()


# A signed agreement as PDF or scan; larger files are refused before they are stored.
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


class AgreementForm(forms.ModelForm):
    """The agreement and, per data category the subprocessor receives, its retention term."""

    document = forms.FileField(
        label=_("Signed document"),
        required=False,
        help_text=_("Optional, at most 20 MB. A new file replaces the previous one."),
    )

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        if upload and upload.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("A document may be at most 20 MB."))
        return upload

    class Meta:
        model = SubprocessorAgreement
        fields = ["signed_on", "reference", "document_location", "valid_until", "ended_on"]
        widgets = {"signed_on": DateInput, "valid_until": DateInput, "ended_on": DateInput}

    def __init__(self, *args: Any, subprocessor: Subprocessor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(subprocessor.categories)
        existing = {t.category: t for t in self.instance.terms.all()} if self.instance.pk else {}
        for category in self.categories:
            limit = our_limit(category)
            help_text = (
                _("Leadhunter's own limit: %(limit)s.") % {"limit": limit}
                if limit
                else _("Leadhunter sets no limit for this category; a term is optional.")
            )
            term = existing.get(category)
            self.fields[f"term_{category}_number"] = forms.IntegerField(
                label=_("Retention term: %(category)s") % {"category": category_label(category)},
                min_value=1,
                max_value=100_000,
                required=False,
                help_text=help_text,
                initial=term.number if term else None,
            )
            self.fields[f"term_{category}_unit"] = forms.ChoiceField(
                label=_("Unit of the term: %(category)s") % {"category": category_label(category)},
                choices=TermUnit.choices,
                initial=term.unit if term else (limit.unit if limit else TermUnit.MONTHS),
            )

    def _post_clean(self) -> None:
        # The service checks dates and terms together and names our limits in its messages.
        pass

    def terms(self) -> dict[str, Term | None]:
        out: dict[str, Term | None] = {}
        for category in self.categories:
            number = self.cleaned_data.get(f"term_{category}_number")
            unit = self.cleaned_data.get(f"term_{category}_unit")
            out[category] = Term(number, unit) if number and unit else None
        return out

    def agreement_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if not k.startswith("term_") and k != "document"}


class BreachForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("data categories affected"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    clients = forms.ModelMultipleChoiceField(
        label=_("clients affected"),
        queryset=Client.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Breach
        fields = [
            "summary",
            "description",
            "occurred_at",
            "discovered_at",
            "categories",
            "source",
            "subprocessor",
            "subprocessor_reported_at",
            "clients",
            "persons_affected",
            "consequences",
            "measures",
            "decision",
            "reported_at",
            "ap_reference",
            "not_reported_reason",
            "subjects_informed_at",
            "closed_at",
        ]
        widgets = {
            "occurred_at": DateTimeInput(),
            "discovered_at": DateTimeInput(),
            "subprocessor_reported_at": DateTimeInput(),
            "reported_at": DateTimeInput(),
            "subjects_informed_at": DateTimeInput(),
            "closed_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "consequences": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "not_reported_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].required = False  # our own finding unless said otherwise

    def clean_source(self) -> str:
        return self.cleaned_data.get("source") or BreachSource.OWN

    def _post_clean(self) -> None:
        # The service checks the rules between the fields and reports them all at once
        # (a clearer message than the database constraints the model would otherwise run).
        pass


class BreachClientNoticeForm(forms.ModelForm):
    class Meta:
        model = BreachClientNotice
        fields = ["informed_at", "channel", "informed_whom", "note"]
        widgets = {"informed_at": DateTimeInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        pass  # the service checks the fields together (`breach_client_informed`)


class SuppressionCheckForm(forms.Form):
    email = forms.CharField(label=_("email"), max_length=254, required=False)
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)
    first_name = forms.CharField(label=_("first name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=100, required=False)
    company_name = forms.CharField(label=_("company name"), max_length=200, required=False)
