"""The posting scenario's settings and figures: Hearth's posting limits raised but still
checked, a session that does not grow under a load that never follows the redirect, and 429s
counted apart from other errors."""

import json
import re

import pytest
from django.test import RequestFactory
from oauth2_provider.models import AccessToken

from bench import client, run
from bench.client import LUA, parse_wrk
from config import settings_bench
from hearth.api.oauth.services import app_create
from hearth.api.oauth.tokens import access_token_issue
from hearth.core import ratelimit
from hearth.posts.models import Post
from hearth.testing.fixtures import make_user


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


# --- Posting through the API (post_create_api) -----------------------------------------------


def test_the_api_posting_scenario_runs_by_default_and_alone():
    assert "post_create_api" in run.parse_args([]).scenarios
    chosen = run.parse_args(["--scenarios", "post_create_api"]).scenarios
    assert chosen == {"floor", "post_create_api"}


def _issue(username: str, scope: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The token run.issue_token's script prints, run here against the test database."""
    exec(run._ISSUE_SCRIPT.format(username=username, scope=scope))  # noqa: S102
    return capsys.readouterr().out.strip().splitlines()[-1]


def _wrk_status_body(thread: int, counter: int, now: int) -> str:
    """What bench/wrk/scenario.lua sends to POST /api/v1/statuses, filled as Lua would."""
    found = re.search(r"local STATUS_BODY = '([^']+)'", LUA.read_text())
    assert found is not None, "scenario.lua has no STATUS_BODY"
    return found[1] % (thread, counter, now)  # the same %d conversions as Lua's format


@pytest.mark.django_db
def test_the_writers_write_token_posts_what_the_load_and_the_samples_send(
    client, user, capsys, settings
):
    # Given the bench's limits and the write token the runner issues to the writer
    settings.HEARTH_RATE_LIMITS = settings_bench.HEARTH_RATE_LIMITS
    token = _issue(user.username, "write", capsys)
    headers = {"Authorization": f"Bearer {token}"}
    # When the samples' body and the load's are posted as the runner and wrk post them
    bodies = [run.API_POSTS.sample.format(n=0), _wrk_status_body(1, 2, 1_700_000_000)]
    answers = [
        client.post(
            run.API_POSTS.path, body, content_type=run.API_POSTS.content_type, headers=headers
        )
        for body in bodies
    ]
    # Then both are acknowledged as the runner expects, and stored as the writer's posts
    assert [answer.status_code for answer in answers] == [run.API_POSTS.ok_status] * 2
    texts = set(Post.objects.filter(author=user.account).values_list("text", flat=True))
    assert texts == {"Sampled bench API post 0", "Bench API post 1-2-1700000000 about #benchmarks"}


@pytest.mark.django_db
def test_a_read_token_cannot_post(client, user, capsys):
    # Given the reader's kind of token (the runner's default scope)
    token = _issue(user.username, "read", capsys)
    # When it is used to post, then the API refuses it
    answer = client.post(
        run.API_POSTS.path,
        run.API_POSTS.sample.format(n=0),
        content_type=run.API_POSTS.content_type,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 403
    assert not Post.objects.exists()


# --- Many members posting (post_create_many) --------------------------------------------------


@pytest.mark.django_db
def test_the_many_writers_script_issues_a_write_token_to_each_member_drawn(capsys):
    # Given three ordinary members (bench-data names) and one the draw must skip
    for name in ("bench_000001", "bench_000002", "bench_000003", "bench_reader"):
        make_user(name)
    # When the runner's script asks for two
    exec(run._ISSUE_MANY_SCRIPT.format(count=2))  # noqa: S102
    lines = [line.split() for line in capsys.readouterr().out.strip().splitlines()]
    # Then two different ordinary members each get a write token
    names = {name for name, _ in lines}
    assert len(names) == 2
    assert names <= {"bench_000001", "bench_000002", "bench_000003"}
    written = AccessToken.objects.filter(scope="write")
    assert set(written.values_list("user__username", flat=True)) == names


@pytest.mark.django_db(transaction=True)
def test_wrk_posts_as_each_member_of_the_file_in_turn(live_server, settings, tmp_path):
    # Given two members with write tokens, in a file as the runner writes it
    settings.HEARTH_RATE_LIMITS = settings_bench.HEARTH_RATE_LIMITS
    members = [make_user(f"bench_00000{n}") for n in (1, 2)]
    application = app_create(
        name="bench", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes=["write"]
    ).application
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(
        "".join(
            "Bearer "
            + access_token_issue(user=member, application=application, scope="write").raw
            + "\n"
            for member in members
        )
    )
    # When wrk posts through the API for a second with the file
    first = client.bearer(members[0].username, "not-used")
    result = client.wrk(
        live_server.url + run.API_POSTS.path,
        seconds=1,
        connections=2,
        session=first,
        post=True,
        body="status",
        authorizations=tokens,
    )
    # Then every request was acknowledged, and both members posted
    assert result.requests > 2
    assert result.errors == 0
    authors = set(Post.objects.values_list("author__username", flat=True))
    assert authors == {"bench_000001", "bench_000002"}
