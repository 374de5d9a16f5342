"""R-LOG-1, the net: every URL of the permission matrix, as every role it answers 200, must
name in the access log any contact person its body shows. Its own module: it shares one
world across the module (`module_world`), as the matrix does."""

from __future__ import annotations

import pytest

from apps.audit.models import AccessLogEntry
from apps.prospects.models import Person
from tests.conftest import World
from tests.test_access_history import _logged_persons


def _matrix_pages() -> list[tuple[str, str]]:
    from tests.test_permission_matrix import FULL_MATRIX

    return [(key, role) for key, row in FULL_MATRIX.items() for role, code in row.get.items() if code == 200]


@pytest.mark.parametrize(("key", "role"), _matrix_pages())
def test_any_page_that_shows_a_person_logs_them(module_world: World, db: None, key: str, role: str) -> None:
    """The net under the list above: every URL of the permission matrix, as every role it
    answers 200, and any contact person whose name is in the body must be named in an
    access-log entry written by that request (R-LOG-1). A new page that shows persons
    without logging them fails here without anyone having to add it to a list."""
    import re

    from tests.test_permission_matrix import FULL_MATRIX

    world = module_world
    since = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = world.client_for(role).get(FULL_MATRIX[key].url(world))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    body = content.decode("utf-8", errors="replace")
    shown = {str(p.pk) for p in Person.objects.all() if re.search(rf"\b{re.escape(p.last_name)}\b", body)}
    assert shown <= _logged_persons(since), f"{key} as {role} shows persons it does not log"
