from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from apps.assignments.models import Assignment, CallResult
from apps.assignments.selectors import assignment_list
from apps.core.access import get_assignment_for_user


class CallResultOutput(serializers.ModelSerializer):
    class Meta:
        model = CallResult
        fields = ["code", "label", "outcome"]


class AssignmentOutput(serializers.ModelSerializer):
    client = serializers.CharField(source="client.name")
    processor_agreement_accepted = serializers.SerializerMethodField()
    results = CallResultOutput(many=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "client",
            "name",
            "description",
            "briefing",
            "is_active",
            "starts_on",
            "ends_on",
            "processor_agreement_accepted",
            "results",
        ]

    def get_processor_agreement_accepted(self, obj: Assignment) -> bool:
        agreement = getattr(obj, "processor_agreement", None)
        return bool(agreement and agreement.is_accepted)


@extend_schema(summary="The assignments the caller may see")
class AssignmentListApi(ListAPIView):
    serializer_class = AssignmentOutput

    def get_queryset(self):  # type: ignore[override]
        return assignment_list(user=self.request.user).prefetch_related("results")


@extend_schema(summary="One assignment (404 when outside the caller's reach)")
class AssignmentDetailApi(RetrieveAPIView):
    serializer_class = AssignmentOutput

    def get_object(self):  # type: ignore[override]
        return get_assignment_for_user(self.request.user, self.kwargs["assignment_id"])
