from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.hr.models import Applicant, Employee, EmployeeEntry, EntryKind, InterviewReport


class DateInput(forms.DateInput):
    input_type = "date"


class EmployeeForm(forms.ModelForm):
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


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"))


class HireForm(forms.Form):
    start_date = forms.DateField(label=_("start date"), widget=DateInput)
