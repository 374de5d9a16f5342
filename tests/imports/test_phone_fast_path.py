"""The import's phone check (issue 16 #1): Dutch numbers take a compiled fast path, valid
and invalid alike; its verdict must be the library's (`normalise.phone`,
`phonenumbers.is_valid_number`) for every number it decides."""

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
