"""Forms of the supervisor's pages (R-SUP-1): the live board's acts and the progress period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User


class LeaseReleaseForm(forms.Form):
    prospect = forms.UUIDField(widget=forms.HiddenInput)


class _AgentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.username  # agent names only on the board, nothing more of the account


class CallbacksReassignForm(forms.Form):
    """Whose callbacks go where: another agent of the assignment, or the pool (empty)."""

    from_agent = _AgentChoice(label=_("Callbacks of"), queryset=User.objects.none())
    to_agent = _AgentChoice(
        label=_("Hand them to"), queryset=User.objects.none(), required=False, empty_label=_("the pool (any agent)")
    )

    def __init__(self, *args: Any, agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_agent"].queryset = agents
        self.fields["to_agent"].queryset = agents
