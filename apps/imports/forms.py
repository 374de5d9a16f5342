from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.imports.mapping import EXTRA, FIELDS, IGNORE
from apps.prospects.models import ProspectStatus


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class SheetForm(forms.Form):
    """Another sheet of the workbook to read (R-IMP-6); the first visible one with data is read first."""

    sheet = forms.ChoiceField(label=_("Sheet"))

    def __init__(self, *args: Any, sheets: list[str], current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in sheets]
        self.fields["sheet"].initial = current


class MappingForm(forms.Form):
    """One choice per column of the file: a field, keep as an extra column, or leave out."""

    def __init__(self, *args: Any, headers: list[str], initial_mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(EXTRA, _("Keep as my own column")), (IGNORE, _("Leave out"))] + [
            (key, label) for key, label in FIELDS.items()
        ]
        for index, header in enumerate(headers):
            self.fields[str(index)] = forms.ChoiceField(
                label=header, choices=choices, initial=initial_mapping.get(str(index), EXTRA)
            )

    def mapping(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items()}


class ProspectFilterForm(forms.Form):
    # The client's own database: company name, city, postcode, person name; never note text (R-NOTE-1).
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + ProspectStatus.choices)
    result = forms.ChoiceField(label=_("Last result"), required=False)
    upload = forms.ChoiceField(label=_("Import"), required=False)
    ordering = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, results: list[tuple[str, str]], imports: list[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", _("All")), ("none", _("Not yet called"))] + results
        self.fields["upload"].choices = [("", _("All"))] + list(imports)


class DifferenceDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    tussenvoegsel = forms.CharField(label=_("Tussenvoegsel"), max_length=30, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Direct phone"), max_length=32, required=False)


class ExtraForm(forms.Form):
    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index, column in enumerate(columns):
            self.fields[f"c{index}"] = forms.CharField(label=column, required=False, max_length=1000)
        self.columns = columns

    def values(self) -> dict[str, str]:
        return {column: self.cleaned_data[f"c{i}"] for i, column in enumerate(self.columns)}


class ConfirmDeleteForm(forms.Form):
    name = forms.CharField(label=_("Type the name of the assignment to confirm"), max_length=200)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_name(self) -> str:
        if self.cleaned_data["name"].strip() != self.expected:
            raise forms.ValidationError(_("The name does not match."))
        return self.cleaned_data["name"]
