"""Abuse limits: fixed-window counters on Django's cache, per IP address, per account and per
free-form key (a login name), configured by `HEARTH_RATE_LIMITS`.

Interfaces (web views, API endpoints, the allauth adapter) call `limit(request, action, ...)`
before they call a service; it raises `RateLimited` when any counter is over its limit, and the
web middleware and the API's error handlers turn that into a 429 with `Retry-After`. Services
stay free of HTTP and of counting.

A counter is `cache.add(key, 0)` then `cache.incr(key)`: both are atomic on Redis and on the
in-process cache, so concurrent requests never both slip under a limit. The window's start is
part of the key and the key lives a minute past the window's end, so a counter never expires
between the `add` and the `incr` (Django's Redis `incr` would then recreate it without expiry).
On Django's Redis cache, all of a request's counters go in one MULTI/EXEC round trip (SET NX
with the expiry, then INCR, per counter) instead of three round trips each (Django's `incr`
checks EXISTS first): the limit is checked on every post, so it should cost little.

Logins are different: failures are counted, not attempts, and each login name from one address
gets a lock-out that doubles with every further failure (`login_failure`, `login_check`).
"""

import contextlib
import functools
import hashlib
import ipaddress
import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.http import HttpRequest

from hearth.core.cache import REDIS_DOWN, RedisCache

#: Limits per action and scope, "<count>/<period>" with the period in s, m, h or d, optionally
#: preceded by a number ("5/15m"). Scopes: `ip` (per address; IPv6 per /64), `account` (per
#: member), `new_account` (per member in their first day, instead of `account`) and `key`
#: (per login name). Operators override single entries with HEARTH_RATE_LIMITS.
DEFAULT_RATE_LIMITS: dict[str, dict[str, str]] = {
    "signup": {"ip": "10/h"},
    # Failed logins; each failure from one address for one login name also locks that pair out.
    "login": {"ip": "30/h", "key": "50/h"},
    "post": {"account": "300/3h", "new_account": "30/h", "ip": "1500/3h"},
    "message": {"account": "100/h", "new_account": "10/h", "ip": "500/h"},
    "follow": {"account": "400/d", "new_account": "50/d", "ip": "2000/d"},
    "report": {"account": "40/d", "new_account": "5/d", "ip": "200/d"},
    # Each photo is decoded, resized and stored: the costliest thing a member can repeat.
    "upload": {"account": "60/h", "new_account": "20/h", "ip": "300/h"},
}

#: How old an account is before the `account` limits replace the `new_account` ones.
NEW_ACCOUNT_AGE = timedelta(days=1)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    def __str__(self) -> str:
        return f"{self.limit}/{self.period}s"


@functools.lru_cache(maxsize=256)
def parse_rate(text: str) -> Rate:
    """`"30/h"` -> Rate(30, 3600); `"5/15m"` -> Rate(5, 900). ValueError when malformed."""
    match = _RATE.match(text)
    if not match:
        raise ValueError(f"A rate looks like 30/h or 5/15m, not {text!r}.")
    count, multiple, unit = match.groups()
    period = int(multiple or 1) * _UNIT_SECONDS[unit]
    if period <= 0:
        raise ValueError(f"The period of {text!r} must be longer than zero.")
    return Rate(int(count), period)


def parse_overrides(text: str) -> dict[str, dict[str, str]]:
    """`"post.account=100/h, login.ip=10/15m"` (the environment variable's form) as a mapping,
    checked so that a typo stops the server at start-up instead of disabling a limit."""
    overrides: dict[str, dict[str, str]] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, rate = item.partition("=")
        action, _, scope = name.strip().partition(".")
        if not action or scope not in ("ip", "account", "new_account", "key") or not rate:
            raise ValueError(f"HEARTH_RATE_LIMITS: {item!r} is not action.scope=count/period.")
        parse_rate(rate)
        overrides.setdefault(action, {})[scope] = rate.strip()
    return overrides


def configured_rates() -> dict[str, dict[str, str]]:
    rates = {action: dict(scopes) for action, scopes in DEFAULT_RATE_LIMITS.items()}
    configured: Mapping[str, Mapping[str, str]] = getattr(settings, "HEARTH_RATE_LIMITS", {})
    for action, scopes in configured.items():
        rates.setdefault(action, {}).update(scopes)
    return rates


class Member(Protocol):
    """What the limiter needs to know of a member (core does not import accounts)."""

    @property
    def pk(self) -> Any: ...

    @property
    def date_joined(self) -> datetime: ...


class RateLimited(Exception):  # noqa: N818  # named for what happened, as Django's Http404
    """Too many requests: retry after `retry_after` seconds."""

    def __init__(self, *, action: str, limit: int, retry_after: int) -> None:
        super().__init__(f"Rate limit for {action!r} exceeded; retry in {retry_after} s.")
        self.action = action
        self.limit = limit
        self.retry_after = max(1, retry_after)
        self.reset_at = datetime.now(tz=UTC) + timedelta(seconds=self.retry_after)

    def headers(self) -> dict[str, str]:
        """The headers of a 429: Retry-After, and Mastodon's X-RateLimit-* (which Mastodon.py
        reads to pace itself; Reset is an ISO 8601 time, as Mastodon sends it)."""
        return {
            "Retry-After": str(self.retry_after),
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": self.reset_at.isoformat(timespec="seconds"),
        }


@dataclass(frozen=True)
class Usage:
    """The tightest counter a request went through: for X-RateLimit-* headers on success."""

    limit: int
    remaining: int
    reset_in: int


def enabled() -> bool:
    return bool(getattr(settings, "HEARTH_RATE_LIMITS_ENABLED", True))


# --- Who is asking -------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or with HEARTH_TRUSTED_PROXY_COUNT proxies in front,
    the address the outermost trusted proxy saw. IPv6 addresses count per /64, the block one
    subscriber usually holds."""
    proxies = int(getattr(settings, "HEARTH_TRUSTED_PROXY_COUNT", 0))
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    raw = forwarded[-proxies] if proxies and len(forwarded) >= proxies else ""
    raw = raw or str(request.META.get("REMOTE_ADDR") or "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _is_new(member: Member) -> bool:
    joined = member.date_joined
    return joined is not None and datetime.now(tz=UTC) - joined < NEW_ACCOUNT_AGE


def _identities(
    action: str, *, ip: str | None, member: Member | None, key: str | None
) -> list[tuple[str, str, Rate]]:
    """(scope, identity, rate) for each counter `action` has for this caller."""
    scopes = configured_rates().get(action, {})
    found: list[tuple[str, str, Rate]] = []
    if ip is not None and scopes.get("ip"):
        found.append(("ip", ip, parse_rate(scopes["ip"])))
    if member is not None:
        scope = "new_account" if _is_new(member) and scopes.get("new_account") else "account"
        if scopes.get(scope):
            found.append((scope, str(member.pk), parse_rate(scopes[scope])))
    if key is not None and scopes.get("key"):
        found.append(("key", key.strip().lower(), parse_rate(scopes["key"])))
    return found


def _cache_key(*parts: object) -> str:
    # Hashed: login names are arbitrary text, and cache keys must stay short and plain.
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return f"rl:{parts[0]}:{digest}"


def _window(rate: Rate, now: float) -> tuple[int, int]:
    """(index of the current window, seconds until it ends)."""
    index = int(now // rate.period)
    return index, max(1, math.ceil((index + 1) * rate.period - now))


def _incr(key: str, timeout: int) -> int:
    """Count one on `key`; 0 when the cache is unreachable (limits let everything through
    during an outage rather than refuse everyone)."""
    try:
        cache.add(key, 0, timeout=timeout)
        try:
            return int(cache.incr(key))
        except ValueError:  # evicted between add and incr (a full in-process cache)
            cache.add(key, 1, timeout=timeout)
            return 1
    except REDIS_DOWN as error:
        _outage(error)
        return 0


def _incr_all(counters: Sequence[tuple[str, int]]) -> list[int]:
    """`_incr` for each (key, timeout), in one round trip on Django's Redis cache."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not counters or not isinstance(backend, RedisCache):
        return [_incr(key, timeout) for key, timeout in counters]
    keys = [backend.make_and_validate_key(key) for key, _ in counters]
    # Django's client sends every write to its first server, so one client takes them all;
    # the serializer stores ints as plain integers, which INCR and cache.get both read.
    # (`_cache` is Django's RedisCacheClient, which the stubs leave out.)
    client = backend._cache.get_client(keys[0], write=True)  # type: ignore[attr-defined]
    # No MULTI/EXEC: nothing else writes these keys, and a key can't expire between its SET
    # and INCR (which would leave a counter without a lifetime): a window's key is counted
    # only during its window and lives at least 60 s past it.
    pipe = client.pipeline(transaction=False)
    for key, (_, timeout) in zip(keys, counters, strict=True):
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
    try:
        return [int(count) for count in pipe.execute()[1::2]]
    except REDIS_DOWN as error:  # as _incr: nothing counted, nothing refused
        backend.outage(error)
        return [0] * len(counters)


def _outage(error: Exception) -> None:
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        backend.outage(error)


# --- Counting ------------------------------------------------------------------------------


def hit(
    action: str,
    *,
    ip: str | None = None,
    member: Member | None = None,
    key: str | None = None,
) -> Usage | None:
    """Count one `action` against each of its counters; raise RateLimited if any is over."""
    if not enabled():
        return None
    now = time.time()
    tightest: Usage | None = None
    exceeded: RateLimited | None = None
    counters: list[tuple[Rate, int, str]] = []
    for scope, identity, rate in _identities(action, ip=ip, member=member, key=key):
        index, left = _window(rate, now)
        key_of = _cache_key(action, scope, identity, rate.period, index)
        counters.append((rate, left, key_of))
    counts = _incr_all([(key_of, left + 60) for _, left, key_of in counters])
    for (rate, left, _), count in zip(counters, counts, strict=True):
        if count > rate.limit:
            if exceeded is None or left > exceeded.retry_after:
                exceeded = RateLimited(action=action, limit=rate.limit, retry_after=left)
            continue
        usage = Usage(limit=rate.limit, remaining=rate.limit - count, reset_in=left)
        if tightest is None or usage.remaining < tightest.remaining:
            tightest = usage
    if exceeded is not None:
        raise exceeded
    return tightest


def check(
    action: str,
    *,
    ip: str | None = None,
    member: Member | None = None,
    key: str | None = None,
) -> None:
    """Raise RateLimited if a counter of `action` is already at its limit, without counting
    (for counters that only failures advance, such as logins)."""
    if not enabled():
        return
    now = time.time()
    for scope, identity, rate in _identities(action, ip=ip, member=member, key=key):
        index, left = _window(rate, now)
        count = cache.get(_cache_key(action, scope, identity, rate.period, index)) or 0
        if int(count) >= rate.limit:
            raise RateLimited(action=action, limit=rate.limit, retry_after=left)


def limit(request: HttpRequest, action: str, *, member: Member | None = None) -> Usage | None:
    """THE check interfaces make before an action: count it for the caller's address and their
    member (`member`, a User, or else the request's signed-in user); raise RateLimited when
    over. Web views and API endpoints call it just before the service."""
    if member is None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(user, "date_joined"):
            member = user
    return hit(action, ip=client_ip(request), member=member)


# --- Logins: lock-out with exponential back-off --------------------------------------------


def _lockout_settings() -> tuple[int, int, int]:
    """(failures allowed before the first lock, first lock in seconds, longest lock)."""
    return (
        int(getattr(settings, "HEARTH_LOGIN_LOCKOUT_ATTEMPTS", 5)),
        int(getattr(settings, "HEARTH_LOGIN_LOCKOUT_SECONDS", 60)),
        int(getattr(settings, "HEARTH_LOGIN_LOCKOUT_MAX_SECONDS", 3600)),
    )


def _login_keys(ip: str, login: str) -> tuple[str, str]:
    name = login.strip().lower()
    return _cache_key("login-failures", ip, name), _cache_key("login-lock", ip, name)


def login_check(*, ip: str, login: str) -> None:
    """Before checking a password: raise RateLimited while this address is locked out of this
    login name, or has failed too often overall. The login name need not exist: the answer is
    the same either way, so it tells nothing about who has an account."""
    if not enabled():
        return
    _failures, lock_key = _login_keys(ip, login)
    locked_until = cache.get(lock_key)
    if locked_until is not None and float(locked_until) > time.time():
        attempts, _first, _longest = _lockout_settings()
        raise RateLimited(
            action="login",
            limit=attempts,
            retry_after=math.ceil(float(locked_until) - time.time()),
        )
    check("login", ip=ip, key=login)


def login_failure(*, ip: str, login: str) -> None:
    """After a wrong password: count it, and once `attempts` failures are reached lock the pair
    out for `first` seconds, doubling with each further failure up to `longest`."""
    if not enabled():
        return
    attempts, first, longest = _lockout_settings()
    failures_key, lock_key = _login_keys(ip, login)
    failures = _incr(failures_key, 86400)
    if failures >= attempts:
        seconds = min(longest, first * 2 ** (failures - attempts))
        cache.set(lock_key, time.time() + seconds, timeout=seconds)
    with contextlib.suppress(RateLimited):  # counted; the next attempt is the one refused
        hit("login", ip=ip, key=login)


def login_success(*, ip: str, login: str) -> None:
    """A right password ends this address's lock-out for this login name (not the overall
    per-address and per-name counts, or an attacker could reset them with an account of
    their own)."""
    cache.delete_many(list(_login_keys(ip, login)))
