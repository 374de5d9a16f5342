"""Large array parameters, passed as one literal (issue 16 #5).

psycopg adapts a Python list element by element (a dumper and a quoting check per item):
for the purge's batches of thousands of ids, passed to a dozen statements each, that was
seconds per run. `UUIDArray(ids)` / `TextArray(values)` are plain lists that psycopg sends
as one `'{…}'::uuid[]` / `'{…}'::text[]` literal built with one join.
"""

from __future__ import annotations

import psycopg
from psycopg import postgres
from psycopg.adapt import Dumper


class UUIDArray(list):
    """A list of UUIDs (or their strings), sent to SQL as one uuid[]."""


class TextArray(list):
    """A list of strings, sent to SQL as one text[] (each element quoted)."""


class _UUIDArrayDumper(Dumper):
    oid = postgres.types["uuid"].array_oid

    def dump(self, obj: UUIDArray) -> bytes:
        return ("{" + ",".join(map(str, obj)) + "}").encode()


def _element(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _TextArrayDumper(Dumper):
    oid = postgres.types["text"].array_oid

    def dump(self, obj: TextArray) -> bytes:
        return ("{" + ",".join(map(_element, obj)) + "}").encode()


psycopg.adapters.register_dumper(UUIDArray, _UUIDArrayDumper)
psycopg.adapters.register_dumper(TextArray, _TextArrayDumper)
