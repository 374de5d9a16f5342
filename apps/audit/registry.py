"""Which models django-auditlog records, and which of their fields are personal.

Personal fields are masked completely (`apps.audit.masking`), so the change log keeps
that a field changed, never what it held; model `__str__` of personal records holds
no personal data either, since auditlog copies it into `object_repr` (R-DEL-1).
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps

PERSON_FIELDS = ["first_name", "last_name", "email", "phone", "job_title"]

AUDITED: dict[str, dict] = {
    "accounts.User": {"mask_fields": PERSON_FIELDS[:3], "exclude_fields": ["password", "last_login"]},
    "clients.Client": {},
    "clients.ClientContact": {"mask_fields": [*PERSON_FIELDS, "social_accounts", "notes"]},
    "assignments.Assignment": {},
    "assignments.CallResult": {},
    "assignments.ProcessorAgreement": {"mask_fields": ["accepted_ip"]},
    "prospects.Company": {},
    "prospects.Person": {"mask_fields": [*PERSON_FIELDS, "tussenvoegsel", "source"]},
    # The client's extra columns may hold anything, personal data included.
    "prospects.Prospect": {"mask_fields": ["extra"]},
    "prospects.ProspectPerson": {},
    "callnotes.CallNote": {"mask_fields": ["text"]},
    # HR files (R-HR-1): every field that describes the person is masked.
    "hr.Employee": {
        "mask_fields": ["name", "email", "phone", "address", "payroll_details", "start_date", "leaving_date"]
    },
    "hr.EmployeeEntry": {"mask_fields": ["text", "date", "kind"]},
    "hr.Applicant": {"mask_fields": ["name", "email", "phone", "status", "rejection_date"]},
    "hr.InterviewReport": {"mask_fields": ["text", "date"]},
    "hr.HRDocument": {"mask_fields": ["original_name", "file_path"]},
    # Data-subject requests (R-DSR-1): the requester's details, message, IP address and the
    # outcome (which may quote them) are masked; the confirmation nonce is never recorded.
    "privacy.DataSubjectRequest": {
        "mask_fields": ["name", "email", "phone", "company", "message", "submitted_ip", "outcome"],
        "exclude_fields": ["confirm_nonce"],
    },
    # The privacy office's registers (R-REG-1, R-REG-2): every change is logged. A
    # subprocessor's contact names a person; a breach's free texts may describe persons.
    "registers.Subprocessor": {"mask_fields": ["contact"]},
    "registers.SubprocessorAgreement": {"exclude_fields": ["document_path"]},
    "registers.AgreementTerm": {},
    "registers.Breach": {
        "mask_fields": ["description", "consequences", "measures", "not_reported_reason"],
        "m2m_fields": {"clients"},
    },
}


def register_audited_models() -> None:
    for label, options in AUDITED.items():
        auditlog.register(apps.get_model(label), **options)
