"""API output of the shared records, used by every API that shows them."""

from __future__ import annotations

from rest_framework import serializers


class CompanyOutput(serializers.Serializer):
    """A company's general business data (policy §4.1); no personal data.

    Without `verified_at`: the record is shared, so its verification date tells one client
    when another client's agents or uploads last worked on it (R-NTK-1). The call screen
    says "verify" where it matters (`company_verify`)."""

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
