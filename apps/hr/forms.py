from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import STAFF_ROLES, User
from apps.hr.models import Applicant, Employee, EmployeeEntry, EntryKind, InterviewReport


class DateInput(forms.DateInput):
    input_type = "date"


class EmployeeForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only internal staff have an employee file; client users are never offered.
        self.fields["user"].queryset = User.objects.filter(role__in=STAFF_ROLES).order_by("username")

    class Meta:
        model = Employee
        fields = ["user", "name", "email", "phone", "address", "payroll_details", "start_date", "leaving_date"]
        widgets = {"start_date": DateInput, "leaving_date": DateInput}


class EmployeeEntryForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            (EntryKind.PERFORMANCE, EntryKind.PERFORMANCE.label),
            (EntryKind.CONVERSATION, EntryKind.CONVERSATION.label),
        ],
    )

    class Meta:
        model = EmployeeEntry
        fields = ["kind", "date", "text"]
        widgets = {"date": DateInput}


class ApplicantForm(forms.ModelForm):
    class Meta:
        model = Applicant
        fields = ["name", "email", "phone", "status", "rejection_date"]
        widgets = {"rejection_date": DateInput}


class InterviewReportForm(forms.ModelForm):
    class Meta:
        model = InterviewReport
        fields = ["date", "text"]
        widgets = {"date": DateInput}


# A CV, a contract or a scan; larger files are refused before they are stored.
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("A document may be at most 20 MB."))
        return upload


class HireForm(forms.Form):
    start_date = forms.DateField(label=_("start date"), widget=DateInput)
