"""The import's fast paths (issue 16 #1). Phone: Dutch numbers take a compiled fast path, valid
and invalid alike; its verdict must be the library's (`normalise.phone`,
`phonenumbers.is_valid_number`) for every number it decides. Website: a bare host name
is its own domain, as `normalise.website_domain` makes it."""

from __future__ import annotations

import random

import pytest

from apps.imports.pipeline import ValueDropped, _phone
from apps.prospects import normalise


def _library(value: str) -> str | None:
    digits = "".join(c for c in value if c.isdigit() or c == "+")
    if len(digits.lstrip("+0")) == 9 and not digits.startswith(("0", "+", "00")):
        value = "0" + digits  # nine digits that lost their 0, as the import reads them
    try:
        return normalise.phone(value)
    except ValueError:
        return None


def _ours(value: str) -> str | None:
    try:
        return _phone(value, "company_phone")
    except ValueDropped:
        return None


def _numbers() -> list[str]:
    rng = random.Random(16)  # noqa: S311 (test data, not secrets)
    out = []
    for _ in range(6000):
        nsn = str(rng.randint(100_000_000, 999_999_999))
        out += [f"0{nsn}", f"+31{nsn}", f"0031{nsn}", nsn, f"0{nsn[:2]}-{nsn[2:]}", f"+31 (0){nsn}"]
    # Every two-digit prefix, so each kind of the numbering plan is reached.
    for prefix in range(10, 100):
        out += [f"0{prefix}{rng.randint(0, 9_999_999):07d}" for _ in range(20)]
    return out


@pytest.mark.parametrize("chunk", range(4))
def test_fast_path_agrees_with_the_library(chunk: int) -> None:
    numbers = _numbers()[chunk::4]
    disagree = [(n, _ours(n), _library(n)) for n in numbers if _ours(n) != _library(n)]
    assert not disagree, disagree[:10]
    assert any(_ours(n) for n in numbers) and any(_ours(n) is None for n in numbers)


@pytest.mark.parametrize(
    "website",
    ["bakker.nl", "www.Bakker.nl", "WWW.BAKKER.NL", "bakker.nl.", "-x-.nl", "www.", "www", "a..b", "123.45.6.7",
     "bakker", "https://www.bakker.nl/contact", "bakker.nl:8080", "user@bakker.nl", "www.www.bakker.nl"],
)  # fmt: skip
def test_plain_host_fast_path_agrees(website: str) -> None:
    from apps.imports.pipeline import _domain

    try:
        ours = _domain(website)
    except ValueDropped:
        ours = None
    expected = normalise.website_domain(website)
    assert ours in (expected, None)
    assert (ours is None) == ("." not in expected or " " in expected)
