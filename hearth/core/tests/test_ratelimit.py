"""The limiter on the lane's real cache (in-process on SQLite, Redis on PostgreSQL)."""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from django.utils import timezone

from hearth.core import ratelimit
from hearth.core.ratelimit import Rate, RateLimited, parse_overrides, parse_rate

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Member:
    """What the limiter reads of a User (core imports no other app)."""

    pk: int
    date_joined: datetime


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("30/h", Rate(30, 3600)),
        ("5/15m", Rate(5, 900)),
        ("1/s", Rate(1, 1)),
        ("10/2d", Rate(10, 172800)),
    ],
)
def test_parse_rate(text: str, rate: Rate) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "30", "30/", "x/h", "5/15", "5/0m", "5/w"])
def test_parse_rate_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="rate|period"):
        parse_rate(text)


def test_overrides_from_the_environment() -> None:
    assert parse_overrides("post.account=100/h, login.ip=10/15m") == {
        "post": {"account": "100/h"},
        "login": {"ip": "10/15m"},
    }
    with pytest.raises(ValueError, match="HEARTH_RATE_LIMITS"):
        parse_overrides("post.everyone=1/h")


def test_limit_counts_per_address_and_says_when_to_retry(rate_limits: Any) -> None:
    # Given a limit of 3 posts an hour per address
    rate_limits.HEARTH_RATE_LIMITS = {"post": {"ip": "3/h", "account": "", "new_account": ""}}
    request = RequestFactory().post("/posts", REMOTE_ADDR="192.0.2.1")
    # When the address posts three times, it is told how much is left
    usages = [ratelimit.limit(request, "post") for _ in range(3)]
    assert [usage.remaining for usage in usages if usage] == [2, 1, 0]
    # Then the fourth is refused, with a retry time inside the hour
    with pytest.raises(RateLimited) as refused:
        ratelimit.limit(request, "post")
    assert 0 < refused.value.retry_after <= 3600
    headers = refused.value.headers()
    assert headers["Retry-After"] == str(refused.value.retry_after)
    assert headers["X-RateLimit-Limit"] == "3"
    assert headers["X-RateLimit-Remaining"] == "0"
    # And another address is unaffected
    ratelimit.limit(RequestFactory().post("/posts", REMOTE_ADDR="192.0.2.2"), "post")


def test_counters_hold_the_count_and_expire_a_minute_after_their_window(
    rate_limits: Any,
) -> None:
    # Given a per-address and a per-member limit on posting
    rate_limits.HEARTH_RATE_LIMITS = {"post": {"ip": "5/h", "account": "7/h", "new_account": ""}}
    member = Member(pk=42, date_joined=timezone.now() - timedelta(days=3))
    # When the member posts twice from one address
    for _ in range(2):
        usage = ratelimit.hit("post", ip="192.0.2.7", member=member)
    # Then each counter holds 2 (the tighter one is reported) and `check` reads the same count
    assert usage == ratelimit.Usage(limit=5, remaining=3, reset_in=usage.reset_in)
    index, left = ratelimit._window(Rate(5, 3600), time.time())
    keys = [
        ratelimit._cache_key("post", "ip", "192.0.2.7", 3600, index),
        ratelimit._cache_key("post", "account", "42", 3600, index),
    ]
    assert [cache.get(key) for key in keys] == [2, 2]
    ratelimit.check("post", ip="192.0.2.7", member=member)
    # And on Redis (one round trip for both), each expires a minute after its window ends
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        for key in keys:
            assert left < client.ttl(backend.make_and_validate_key(key)) <= left + 60


def test_new_accounts_get_the_tighter_limit(rate_limits: Any) -> None:
    rate_limits.HEARTH_RATE_LIMITS = {"follow": {"ip": "", "account": "5/d", "new_account": "2/d"}}
    newcomer = Member(pk=1, date_joined=timezone.now() - timedelta(hours=2))
    regular = Member(pk=2, date_joined=timezone.now() - timedelta(days=3))
    for _ in range(2):
        ratelimit.hit("follow", member=newcomer)
    with pytest.raises(RateLimited):
        ratelimit.hit("follow", member=newcomer)
    for _ in range(5):
        ratelimit.hit("follow", member=regular)
    with pytest.raises(RateLimited):
        ratelimit.hit("follow", member=regular)


def test_off_switch(settings: Any) -> None:
    settings.HEARTH_RATE_LIMITS_ENABLED = False
    settings.HEARTH_RATE_LIMITS = {"post": {"ip": "1/h"}}
    for _ in range(5):
        assert ratelimit.hit("post", ip="192.0.2.9") is None


def test_client_ip_behind_proxies_and_ipv6_blocks(settings: Any) -> None:
    factory = RequestFactory()
    direct = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert ratelimit.client_ip(direct) == "10.0.0.1"  # the header is not trusted by default
    settings.HEARTH_TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_ip(direct) == "203.0.113.9"
    settings.HEARTH_TRUSTED_PROXY_COUNT = 0
    v6 = factory.get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    assert ratelimit.client_ip(v6) == "2001:db8:1:2::/64"


def test_login_lock_out_doubles_with_each_failure(rate_limits: Any) -> None:
    rate_limits.HEARTH_LOGIN_LOCKOUT_ATTEMPTS = 3
    rate_limits.HEARTH_LOGIN_LOCKOUT_SECONDS = 60
    ip, name = "198.51.100.7", "Someone"
    for _ in range(3):
        ratelimit.login_check(ip=ip, login=name)
        ratelimit.login_failure(ip=ip, login=name)
    with pytest.raises(RateLimited) as first:
        ratelimit.login_check(ip=ip, login="someone")  # any letter case
    assert 55 <= first.value.retry_after <= 60
    # A further failure (after the lock ran out) doubles it
    ratelimit.login_failure(ip=ip, login=name)
    with pytest.raises(RateLimited) as second:
        ratelimit.login_check(ip=ip, login=name)
    assert 115 <= second.value.retry_after <= 120
    # And a success from that address clears the lock for that name
    ratelimit.login_success(ip=ip, login=name)
    ratelimit.login_check(ip=ip, login=name)
