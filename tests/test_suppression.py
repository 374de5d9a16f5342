from __future__ import annotations

from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import SuppressionEntry
from apps.privacy.selectors import is_suppressed


def test_hashes_are_keyed_and_normalised(settings) -> None:  # type: ignore[no-untyped-def]
    a = IdentifierHashes.of(
        email="Jan@Bakker.NL ", phone="06 12345678", first_name="Jan", last_name="Jansen", company_name="Bakker B.V."
    )
    b = IdentifierHashes.of(
        email="jan@bakker.nl", phone="+31612345678", first_name="jan", last_name="jansen", company_name="bakker bv"
    )
    assert a == b
    assert "jan" not in a.email and len(a.email) == 64
    settings.PRIVACY_HASH_KEY = "another-key"
    assert IdentifierHashes.of(email="jan@bakker.nl").email != a.email


def test_suppression_matches_on_any_identifier(db) -> None:  # type: ignore[no-untyped-def]
    erased = IdentifierHashes.of(
        email="jan@bakker.nl", phone="0612345678", first_name="Jan", last_name="Jansen", company_name="Bakker BV"
    )
    SuppressionEntry.objects.create(
        email_hash=erased.email, phone_hash=erased.phone, name_company_hash=erased.name_company, reason="erasure"
    )
    assert is_suppressed(IdentifierHashes.of(email="JAN@bakker.nl"))
    assert is_suppressed(IdentifierHashes.of(phone="+31 6 12345678"))
    assert is_suppressed(IdentifierHashes.of(first_name="Jan", last_name="Jansen", company_name="Bakker B.V."))
    assert not is_suppressed(
        IdentifierHashes.of(email="piet@bakker.nl", first_name="Piet", last_name="Jansen", company_name="Bakker BV")
    )
    assert not is_suppressed(IdentifierHashes.of())
