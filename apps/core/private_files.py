"""Files that must never be served as media (HR documents, signed processor agreements):
stored under MEDIA_ROOT/<folder>/ with a random name, readable by the server's user only,
and handed out solely by permission-checked views. Deleted after the transaction that
deleted their row commits, so a rollback never leaves a row without its file."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction


def private_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def private_store(upload: IO[bytes], folder: str, *, suffix: str = "", max_bytes: int | None = None) -> tuple[str, int]:
    """Write `upload` under `folder` with a random name; returns the path relative to
    MEDIA_ROOT and the bytes read. With `max_bytes`, writing stops as soon as the upload
    is larger (the size returned then exceeds it, for the caller's message)."""
    relative = f"{folder}/{uuid.uuid4().hex}{suffix}"
    path = private_path(relative)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    size = 0
    with open(path, "wb") as out:
        path.chmod(0o600)
        while chunk := upload.read(1024 * 1024):
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                break
            out.write(chunk)
    return relative, size


def private_delete(relative: str) -> None:
    if relative:
        private_path(relative).unlink(missing_ok=True)


def private_delete_on_commit(relatives: Iterable[str]) -> None:
    relatives = list(relatives)
    transaction.on_commit(lambda: [private_delete(relative) for relative in relatives])
