"""Forms of the supervisor's pages (R-SUP-1): the live board's acts and the progress period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.calling.figures import MAX_PERIOD_DAYS, Period


class LeaseReleaseForm(forms.Form):
    prospect = forms.UUIDField(widget=forms.HiddenInput)


class _AgentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.username  # agent names only on the board, nothing more of the account


class CallbacksReassignForm(forms.Form):
    """Whose callbacks go where: another agent of the assignment, or the pool (empty)."""

    from_agent = _AgentChoice(label=_("Callbacks of"), queryset=User.objects.none(), empty_label=_("choose an agent"))
    to_agent = _AgentChoice(
        label=_("Hand them to"), queryset=User.objects.none(), required=False, empty_label=_("the pool (any agent)")
    )

    def __init__(self, *args: Any, agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_agent"].queryset = agents
        self.fields["to_agent"].queryset = agents


class PeriodForm(forms.Form):
    """The period of the progress figures: today, this week, the last 30 days, or chosen days."""

    PERIODS = [
        ("today", _("Today")),
        ("week", _("This week")),
        ("30d", _("Last 30 days")),
        ("custom", _("Chosen days")),
    ]
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False, initial="30d")
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise forms.ValidationError(_("Give the first and the last day."))
            if end < start:
                raise forms.ValidationError(_("The last day lies before the first."))
            if (end - start).days >= MAX_PERIOD_DAYS:
                raise forms.ValidationError(_("Choose at most %(days)d days.") % {"days": MAX_PERIOD_DAYS})
        return data

    def chosen(self, today: dt.date) -> Period:
        """The period asked for; the default (the last 30 days) for a form that is not valid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("period") == "custom":
            return Period(data["start"], data["end"], "custom")
        return Period.named(data.get("period") or "30d", today)
