"""The posting scenario's settings and figures: Hearth's posting limits raised but still
checked, a session that does not grow under a load that never follows the redirect, and 429s
counted apart from other errors."""

import json

import pytest
from django.test import RequestFactory

from bench.client import parse_wrk
from config import settings_bench
from hearth.core import ratelimit
from hearth.posts.models import Post


@pytest.mark.django_db
def test_the_bench_raises_the_posting_limits_but_still_counts(rate_limits):
    # Given the bench's limits
    rate_limits.HEARTH_RATE_LIMITS = settings_bench.HEARTH_RATE_LIMITS
    request = RequestFactory().post("/posts", REMOTE_ADDR="192.0.2.1")
    # When one address posts, it is counted (a Usage comes back) and far from its limit
    usage = ratelimit.limit(request, "post")
    assert usage is not None
    assert usage.limit >= 1_000_000
    # And other limits are the shipped ones
    assert ratelimit.configured_rates()["follow"] == ratelimit.DEFAULT_RATE_LIMITS["follow"]


@pytest.mark.django_db
def test_posting_without_following_the_redirect_keeps_one_message(client_with_user, settings):
    # Given the bench's message storage
    settings.MESSAGE_STORAGE = settings_bench.MESSAGE_STORAGE
    # When a member posts three times without loading the page the redirect points to
    for n in range(3):
        response = client_with_user.post("/posts", {"text": f"Post {n}", "visibility": "public"})
        assert response.status_code == 302
    # Then all three are posted, and the session holds the newest "Posted." only
    assert Post.objects.count() == 3
    assert client_with_user.get("/").content.decode().count("Posted.") == 1


def test_429s_are_counted_apart_from_other_errors():
    line = {"requests": 100, "duration_us": 1_000_000, "bytes": 1000, "connect": 0, "read": 0,
            "write": 0, "status": 7, "timeout": 1, "p50_us": 1000, "p99_us": 2000,
            "max_us": 3000, "limited": 5}  # fmt: skip
    result = parse_wrk("Running...\nBENCH_JSON " + json.dumps(line) + "\n")
    assert (result.errors, result.rate_limited) == (8, 5)
    del line["limited"]  # a GET load counts none
    assert parse_wrk("BENCH_JSON " + json.dumps(line)).rate_limited == 0
