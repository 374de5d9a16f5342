"""API output of the shared records, used by every API that shows them."""

from __future__ import annotations

from rest_framework import serializers


class CompanyOutput(serializers.Serializer):
    """A company's general business data (policy §4.1); no personal data."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    kvk_number = serializers.CharField()
    street = serializers.CharField()
    house_number = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()
    phone = serializers.CharField()
    website = serializers.CharField()
    industry = serializers.CharField()
    employees = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    verified_at = serializers.DateTimeField()
