"""The session and the logged-in user read from the cache (apps.accounts.cached, issue 16 #2)
stay right: a deactivation, a password change and a logout count on the next request, and
with Redis away every read goes to the database."""

from __future__ import annotations

from django.test import Client as HttpClient
from django.urls import reverse

from apps.accounts.cached import user_cache_forget, user_cached
from apps.accounts.models import User
from tests.conftest import World
from tests.outage import RedisServer
from tests.test_outage_redis import own_redis  # noqa: F401 (fixture)


def _screen(world: World) -> str:
    return reverse("calling:screen", args=[world.prospect.pk])


def test_a_deactivated_agent_is_out_on_the_next_request(world: World) -> None:
    http = world.client_for("agent_with_lease")
    assert http.get(_screen(world)).status_code == 200  # the user is now cached
    agent = world.users["agent_with_lease"]
    agent.is_active = False
    agent.save()
    assert http.get(_screen(world)).status_code == 302


def test_a_deactivation_by_update_is_forgotten_by_its_caller(world: World) -> None:
    agent = world.users["agent_with_lease"]
    assert user_cached(agent.pk) is not None
    User.objects.filter(pk=agent.pk).update(is_active=False)  # no signal: the caller forgets
    user_cache_forget([agent.pk])
    assert user_cached(agent.pk) is None


def test_a_password_change_ends_the_other_sessions(world: World) -> None:
    http = world.client_for("agent_with_lease")
    assert http.get(_screen(world)).status_code == 200
    agent = world.users["agent_with_lease"]
    agent.set_password("another-long-password-1234")
    agent.save()
    assert http.get(_screen(world)).status_code == 302


def test_a_logged_out_session_is_gone(world: World) -> None:
    http = world.client_for("agent_with_lease")
    assert http.get(_screen(world)).status_code == 200
    cookie = http.cookies["sessionid"].value
    http.post(reverse("accounts:logout"))
    again = HttpClient()
    again.cookies["sessionid"] = cookie
    assert again.get(_screen(world)).status_code == 302


def test_the_screen_works_while_redis_is_away_and_a_deactivation_counts(
    world: World,
    own_redis: RedisServer,  # noqa: F811
) -> None:
    http = world.client_for("agent_with_lease")
    assert http.get(_screen(world)).status_code == 200
    own_redis.stop()
    try:
        assert http.get(_screen(world)).status_code == 200  # session and user from the database
        agent = world.users["agent_with_lease"]
        agent.is_active = False
        agent.save()  # the cache cannot be told: the database is read while Redis is away
        assert http.get(_screen(world)).status_code == 302
    finally:
        own_redis.start()


def test_a_restore_forgets_every_cached_session_and_user(world: World) -> None:
    """After a restore of the database (apps.retention.backup.backup_restore) nothing cached
    before it is read back: a session or user the restored database does not hold is gone."""
    from apps.accounts import cached

    http = world.client_for("agent_with_lease")
    assert http.get(_screen(world)).status_code == 200
    agent = world.users["agent_with_lease"]
    assert cached._read(cached._user_key(agent.pk)) is not None
    cached.cache_generation_bump()
    assert cached._read(cached._user_key(agent.pk)) is None
    assert http.get(_screen(world)).status_code == 200  # read again from the database
