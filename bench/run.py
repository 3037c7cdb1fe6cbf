"""The benchmark runner: `python -m bench.run` (`make bench` runs the reduced version).

Creates the PostgreSQL database `hearth_bench`, migrates it, generates the dataset, starts a
Celery worker (unless `--broker ''`) and granian with the Makefile's serve flags on a free
port, runs the scenarios with wrk from this separate process, stops the server, then measures
the embedded default (SQLite, one granian process) for memory. Prints a table and writes the
figures to bench/results/<timestamp>.json.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import client, cpu, server

RESULTS = Path(__file__).resolve().parent / "results"
#: Longest wait for the posting scenario's fan-out to finish, and for one fan-out probe.
DRAIN_TIMEOUT, PROBE_TIMEOUT = 180.0, 30.0
#: Feeds built before the scenarios, besides the reader's.
WARM_FEEDS = 200
PASSWORD = "bench-hearth-password"  # noqa: S105  (the generator's default, invented accounts)
#: The home timeline as JSON: the real Mastodon API endpoint, with a bearer token.
HOME_JSON = "/api/v1/timelines/home"
SCENARIOS = (
    "floor",
    "home_json",
    "home_html",
    "post_create",
    "post_create_api",
    "post_create_many",
    "fanout",
)
#: How many members post at once in post_create_many.
MANY_WRITERS = 64
#: Issues a token with one scope for a member in the server's database (printed on stdout).
_ISSUE_SCRIPT = """
from hearth.accounts.models import User
from hearth.api.oauth.services import app_create
from hearth.api.oauth.tokens import access_token_issue
app = app_create(name="bench", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes=[{scope!r}])
user = User.objects.get(username={username!r})
print(access_token_issue(user=user, application=app.application, scope={scope!r}).raw)
"""

#: Write tokens for `count` ordinary members drawn at random (seeded): "username token" lines.
_ISSUE_MANY_SCRIPT = """
import random
from hearth.accounts.models import User
from hearth.api.oauth.services import app_create
from hearth.api.oauth.tokens import access_token_issue
app = app_create(name="bench", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes=["write"])
members = User.objects.filter(username__startswith="bench_0").order_by("username")
names = list(members.values_list("username", flat=True))
for name in random.Random(11).sample(names, min({count}, len(names))):
    user = User.objects.get(username=name)
    print(name, access_token_issue(user=user, application=app.application, scope="write").raw)
"""


@dataclass(frozen=True)
class PostLoad:
    """How a posting scenario posts: where, the answer that acknowledges a post, and for the
    X-Queries samples a body (`{n}` makes each text unique) with its content type (empty for
    the web's form, which client.request sends with the CSRF header)."""

    path: str
    ok_status: int
    sample: str
    content_type: str
    body: client.PostBody


WEB_POSTS = PostLoad(
    "/posts", 302, "visibility=public&spoiler_text=&text=Sampled+bench+post+{n}", "", "form"
)
API_POSTS = PostLoad(
    "/api/v1/statuses",
    200,
    '{{"status": "Sampled bench API post {n}", "visibility": "public"}}',
    "application/json",
    "status",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; `scenarios` becomes the set to run, the floor always in it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", choices=["small", "large"], default="small")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per scenario")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--fanout-posts", type=int, default=5)
    parser.add_argument("--reuse-data", action="store_true", help="keep hearth_bench as it is")
    parser.add_argument("--skip-sqlite", action="store_true", help="skip the embedded RSS check")
    parser.add_argument("--workers", type=int, default=server.WORKERS, help="granian processes")
    parser.add_argument(
        "--threads", type=int, default=server.THREADS, help="granian threads per process"
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated subset of {','.join(SCENARIOS)} (the floor always runs)",
    )
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="hearth_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5", help="'' for none")
    parser.add_argument(
        "--broker",
        default="redis://127.0.0.1:6379/6",
        help="Celery broker for a fan-out worker started with the server; '' for inline jobs",
    )
    args = parser.parse_args(argv)
    args.scenarios = {"floor", *(name.strip() for name in args.scenarios.split(",") if name)}
    if unknown := args.scenarios - set(SCENARIOS):
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database_url = _with_db(args.pg, args.database)
    env = server.bench_env(database_url, args.redis, server.ROOT / "var" / "bench")
    env["HEARTH_DB_POOL_SIZE"] = str(args.threads)
    if args.broker:
        env["CELERY_BROKER_URL"] = args.broker
    os.environ.update(env)
    import django

    django.setup()
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "profile": args.profile,
        "seconds": args.seconds,
        "connections": args.connections,
        "server": f"granian wsgi {args.workers} workers x {args.threads} threads",
        "jobs": "1 Celery worker, concurrency 2" if args.broker else "inline (eager)",
        "machine": f"{os.cpu_count()} cpus (shared)",
    }
    if not args.reuse_data:
        results["generate"] = _prepare(env, args.pg, args.database, args.redis, args.profile)
    server.hearth(env, "collectstatic", "--noinput", "--verbosity", "0")
    results["vacuum_seconds"] = server.vacuum(database_url)
    results |= _scenarios(env, args)
    if not args.skip_sqlite:
        results["embedded"] = _embedded(args)
    _print(results)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(server.ROOT)}")  # noqa: T201
    return 0


def _with_db(admin_url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def _prepare(env: dict[str, str], admin: str, name: str, redis_url: str, profile: str) -> Any:
    server.recreate_postgres(admin, name)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()  # the bench's own Redis database
    server.hearth(env, "migrate", "--noinput", "--verbosity", "0")
    seconds = server.hearth(env, "bench-data", "--profile", profile)
    return {"bench_data_seconds": round(seconds, 1)}


def _scenarios(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    from bench import fanout
    from bench.redis_memory import feed_memory

    if args.broker:
        import redis

        redis.Redis.from_url(args.broker).flushdb()  # no jobs left from an earlier run
    if redelivered := fanout.outbox_drain():
        sys.stdout.write(f"Delivered {redelivered} fan-out jobs an earlier run left pending.\n")
    worker = server.start_worker(env) if args.broker else None
    srv = server.start(env, workers=args.workers, threads=args.threads)
    try:
        base = srv.base
        chosen = args.scenarios
        reader = client.login(base, "bench_reader", PASSWORD)
        api_reader = client.bearer("bench_reader", issue_token(env, "bench_reader"))
        meter = cpu.CpuMeter(srv.worker_pids(), [worker.pid] if worker is not None else [])
        run = _Runner(base, args.seconds, args.connections, meter)
        warmed = _warm_feeds(fanout)
        run.warm_up(reader, api_reader)
        rows = {"floor": run.get("/bench/floor", None)}
        if "home_json" in chosen:
            rows["home_json"] = run.get(HOME_JSON, api_reader)
        if "home_html" in chosen:
            rows["home_html"] = run.get("/", reader)
        if "post_create" in chosen:
            writer = client.login(base, "bench_writer", PASSWORD)
            rows["post_create"] = run.posting(writer, fanout, WEB_POSTS)
        if "post_create_api" in chosen:
            api_writer = client.bearer("bench_writer", issue_token(env, "bench_writer", "write"))
            rows["post_create_api"] = run.posting(api_writer, fanout, API_POSTS)
        if "post_create_many" in chosen:
            writers = issue_tokens(env, MANY_WRITERS)
            rows["post_create_many"] = run.posting_many(writers, fanout)
        floor_rps = rows["floor"]["rps"]
        for row in rows.values():
            row["ratio_to_floor"] = round(row["rps"] / floor_rps, 3)
        found: dict[str, Any] = {
            "feed_store": fanout.store_name(),
            "feeds_warmed": warmed,
            "scenarios": rows,
        }
        if "fanout" in chosen:
            poster = client.login(base, "bench_fanout", PASSWORD)
            found["fanout"] = run.fanout_latency(poster, api_reader, fanout, args.fanout_posts)
            # With the load over and the worker idle: what one fan-out process sustains.
            alone = fanout.fanout_throughput("bench_fanout")
            found["fanout_throughput"] = asdict(alone) | {"inserts_per_s": alone.inserts_per_second}
            # And a burst: posts waiting together, delivered by one fan-out (coalesced).
            burst = fanout.fanout_throughput("bench_fanout", 10, together=True)
            found["fanout_throughput_burst"] = asdict(burst) | {
                "inserts_per_s": burst.inserts_per_second
            }
        found["redis_memory_per_feed"] = feed_memory(warmed.pop("ids"))
        return found
    finally:
        srv.stop()
        if worker is not None:
            server.stop_worker(worker)


def issue_token(env: dict[str, str], username: str, scope: str = "read") -> str:
    """A token with `scope` for `username` from a new OAuth app, issued in the database `env`
    names (a management shell, so it works for the embedded SQLite run too)."""
    script = _ISSUE_SCRIPT.format(username=username, scope=scope)
    done = subprocess.run(  # noqa: S603
        [str(server.BIN / "hearth"), "shell", "-c", script],
        env=env, cwd=server.ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


def issue_tokens(env: dict[str, str], count: int) -> dict[str, str]:
    """Write tokens for `count` ordinary members, by username (one management shell)."""
    done = subprocess.run(  # noqa: S603
        [str(server.BIN / "hearth"), "shell", "-c", _ISSUE_MANY_SCRIPT.format(count=count)],
        env=env, cwd=server.ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    pairs = (line.split() for line in done.stdout.splitlines())
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def _warm_feeds(fanout: Any) -> dict[str, Any]:
    """Build the reader's feed and WARM_FEEDS of the fan-out account's active followers' (a push
    store has none after a bulk load). Fan-out pushes to every active follower, built feed or
    not, so the others cost fan-out the same; these give Redis memory a real feed to weigh."""
    followers = fanout.active_followers(fanout.account_id("bench_fanout"))
    readers = sorted({fanout.account_id("bench_reader"), *fanout.sample(followers, WARM_FEEDS)})
    seconds = fanout.warm(readers)
    return {"feeds": len(readers), "seconds": seconds, "ids": readers,
            "per_second": round(len(readers) / max(seconds, 0.001))}  # fmt: skip


class _Runner:
    def __init__(
        self, base: str, seconds: int, connections: int, meter: cpu.CpuMeter | None = None
    ) -> None:
        self.base, self.seconds, self.connections = base, seconds, connections
        self.meter = meter

    def _metered(
        self, load: Callable[[], client.WrkResult]
    ) -> tuple[client.WrkResult, dict[str, float]]:
        """Run a wrk load, and the server's CPU milliseconds per request it cost, by part."""
        before = self.meter.read() if self.meter else {}
        result = load()
        if self.meter is None:
            return result, {}
        return result, cpu.per_request(before, self.meter.read(), result.requests)

    def warm_up(self, reader: client.Session, api_reader: client.Session) -> None:
        for path, session in (("/bench/floor", None), (HOME_JSON, api_reader), ("/", reader)):
            client.wrk(self.base + path, seconds=2, connections=self.connections, session=session)

    def get(self, path: str, session: client.Session | None) -> dict[str, Any]:
        samples = [client.request(self.base, path, session) for _ in range(3)]
        if any(sample.status != 200 for sample in samples):
            raise RuntimeError(f"{path}: {[s.status for s in samples]} instead of 200")
        result, spent = self._metered(
            lambda: client.wrk(
                self.base + path,
                seconds=self.seconds,
                connections=self.connections,
                session=session,
            )
        )
        return asdict(result) | {
            "queries": client.queries_per_request(samples),
            "cpu_ms_per_request": spent,
        }

    def _sample_posts(self, writer: client.Session, load: PostLoad) -> list[client.Sample]:
        """Three posts sent directly (their X-Queries are the scenario's queries column);
        raises unless each is acknowledged."""
        samples = [
            client.request(
                self.base,
                load.path,
                writer,
                post=load.sample.format(n=n),
                content_type=load.content_type,
            )
            for n in range(3)
        ]
        if any(sample.status != load.ok_status for sample in samples):
            raise RuntimeError(
                f"POST {load.path}: {[s.status for s in samples]} instead of {load.ok_status}"
            )
        return samples

    def posting(self, writer: client.Session, fanout: Any, load: PostLoad) -> dict[str, Any]:
        """`writer` posts as fast as the load goes (`load`: the web form or the API); then
        every acknowledged post must be stored, and the newest reach the sampled feeds."""
        samples = self._sample_posts(writer, load)
        writer_id = fanout.account_id(writer.username)
        before = fanout.post_count(writer_id)
        result, spent = self._metered(
            lambda: client.wrk(
                self.base + load.path,
                seconds=self.seconds,
                connections=self.connections,
                session=writer,
                post=True,
                body=load.body,
            )
        )
        load_ended = time.perf_counter()
        stored = fanout.post_count(writer_id) - before
        acknowledged = result.requests - result.errors
        # Fan-out may lag behind the load (a worker queue): wait until the newest post is in
        # the sampled followers' feeds, the earlier ones having been queued before it.
        active = fanout.active_followers(writer_id)
        followers = fanout.sample(active, 100)
        newest = fanout.newest_post(writer_id)
        try:
            drained = fanout.wait_for_delivery(
                newest, followers, started=load_ended, timeout=DRAIN_TIMEOUT
            ).seconds
            missing = 0
        except TimeoutError:
            drained, missing = None, fanout.missing_from(newest, followers)
        # And until every job is done: the next scenario starts with an idle worker.
        all_done = fanout.wait_for_outbox(started=load_ended, timeout=DRAIN_TIMEOUT)
        inserts = stored * len(active)
        return asdict(result) | {
            "queries": client.queries_per_request(samples),
            # The load's CPU only: the worker's fan-out after the load ended is not in it.
            "cpu_ms_per_request": spent,
            "acknowledged": acknowledged,
            "stored": stored,
            "all_acknowledged_stored": stored >= acknowledged,
            "writer_active_followers": len(active),
            "fanout_done_after_load_s": drained,
            "all_jobs_done_after_load_s": all_done,
            "newest_missing_from_sampled_feeds": f"{missing} of {len(followers)}",
            "feed_inserts_per_s": (
                round(inserts / (result.seconds + all_done)) if all_done is not None else None
            ),
        }

    def posting_many(self, writers: dict[str, str], fanout: Any) -> dict[str, Any]:
        """Many members post through the API at once (`writers`: username to write token),
        each request as the next of them; then every acknowledged post must be stored, and
        each writer's newest be in a sample of its active followers' feeds."""
        first = client.bearer(*next(iter(writers.items())))
        samples = self._sample_posts(first, API_POSTS)
        ids = list(fanout.account_ids(list(writers)).values())
        before = fanout.posts_by(ids)
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as tokens:
            tokens.write("".join(f"Bearer {token}\n" for token in writers.values()))
            tokens.flush()
            result, spent = self._metered(
                lambda: client.wrk(
                    self.base + API_POSTS.path,
                    seconds=self.seconds,
                    connections=self.connections,
                    session=first,
                    post=True,
                    body="status",
                    authorizations=Path(tokens.name),
                )
            )
        load_ended = time.perf_counter()
        made = {pk: count - before[pk] for pk, count in fanout.posts_by(ids).items()}
        stored, acknowledged = sum(made.values()), result.requests - result.errors
        all_done = fanout.wait_for_outbox(started=load_ended, timeout=DRAIN_TIMEOUT)
        active = {pk: fanout.active_followers(pk) for pk in ids}
        missing = watched = 0
        for pk, followers in active.items():
            newest, sampled = fanout.newest_post(pk), fanout.sample(followers, 5)
            if newest is not None and sampled:
                missing += fanout.missing_from(newest, sampled)
                watched += len(sampled)
        inserts = sum(made[pk] * (len(active[pk]) + 1) for pk in ids)
        return asdict(result) | {
            "queries": client.queries_per_request(samples),
            "cpu_ms_per_request": spent,
            "acknowledged": acknowledged,
            "stored": stored,
            "all_acknowledged_stored": stored >= acknowledged,
            "writers": len(ids),
            "writers_active_followers": sorted(len(followers) for followers in active.values()),
            "all_jobs_done_after_load_s": all_done,
            "newest_missing_from_sampled_feeds": f"{missing} of {watched}",
            "feed_inserts_per_s": (
                round(inserts / (result.seconds + all_done)) if all_done is not None else None
            ),
        }

    def fanout_latency(
        self, poster: client.Session, reader: client.Session, fanout: Any, posts: int
    ) -> dict[str, Any]:
        """Posts by bench_fanout while the home JSON load runs; seconds from sending each POST
        until every sampled active follower's feed holds it. The POSTs share one connection
        opened before the load (bench/fanout.py says why); each post records where its time
        went and whether the load was still running when it was delivered."""
        poster_id = fanout.account_id("bench_fanout")
        fanout.wait_for_outbox(started=time.perf_counter(), timeout=DRAIN_TIMEOUT)
        active = fanout.active_followers(poster_id)
        watched = fanout.sample(active, 100)
        load_seconds = max(self.seconds, 4 * posts)
        connection = fanout.KeptConnection(self.base, poster)
        load = subprocess.Popen(  # noqa: S603
            client.wrk_command(
                self.base + HOME_JSON,
                seconds=load_seconds,
                connections=self.connections,
                session=reader,
            ),
            stdout=subprocess.PIPE,
            text=True,
        )
        load_ends = time.perf_counter() + load_seconds
        latencies, each = [], []
        newcomer = ThreadPoolExecutor(1)
        try:
            time.sleep(1)
            fresh = newcomer.submit(
                fanout.fresh_connection_seconds, self.base + "/bench/floor", load_seconds + 5
            )
            for n in range(posts):
                probe = self._fanout_probe(connection, fanout, poster_id, watched, n)
                probe["under_load"] = time.perf_counter() < load_ends
                each.append(probe)
                delivered = probe.get("delivered_s")
                latencies.append(float("inf") if delivered is None else delivered)
                time.sleep(1)
            missing = fanout.missing_from(fanout.newest_post(poster_id), active)
        finally:
            out, _ = load.communicate()
            connection.close()
            newcomer.shutdown()
        during = client.parse_wrk(out)
        ordered = sorted(latencies)
        return {
            "timeout_s": PROBE_TIMEOUT,
            "followers_active": len(active),
            "followers_sampled": len(watched),
            "posts": posts,
            "p50_s": _finite(statistics.median(ordered)),
            "p95_s": _finite(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]),
            "max_s": _finite(ordered[-1]),
            "timed_out": sum(1 for x in ordered if x == float("inf")),
            "posts_delivered_under_load": sum(1 for probe in each if probe["under_load"]),
            # A GET on a new connection 1 s into the load (granian admits a fixed number of
            # connections; bench/fanout.py): about the load's length when it isn't admitted.
            "fresh_connection_get_s": fresh.result(),
            "per_post": each,
            "last_post_missing_from_active_feeds": missing,
            "home_json_during": asdict(during),
        }

    @staticmethod
    def _fanout_probe(
        connection: Any, fanout: Any, poster_id: int, watched: list[int], n: int
    ) -> dict[str, Any]:
        """One post: seconds until its POST was answered, until the worker marked its job
        done (None if not yet when it was seen delivered) and until every watched feed had it
        (absent on a timeout)."""
        started, wall = time.perf_counter(), time.time()
        status = connection.post(
            "/posts", f"visibility=public&spoiler_text=&text=Fan-out+probe+{n}+{wall}"
        )
        if status != 302:
            raise RuntimeError(f"fan-out post answered {status}")
        probe: dict[str, Any] = {"post_s": round(time.perf_counter() - started, 3)}
        post_id = fanout.newest_post(poster_id)
        try:
            delivery = fanout.wait_for_delivery(
                post_id, watched, started=started, timeout=PROBE_TIMEOUT
            )
            probe |= {"delivered_s": delivery.seconds, "rounds": delivery.rounds}
        except TimeoutError:
            pass
        probe["job_done_s"] = fanout.job_seconds(post_id, wall)
        return probe


def _finite(seconds: float) -> float | None:
    """None for a probe that timed out (JSON has no infinity)."""
    return None if seconds == float("inf") else seconds


def _embedded(args: argparse.Namespace) -> dict[str, Any]:
    """SQLite, in-process cache, one granian worker, the small dataset: RSS after a load."""
    data_dir = server.ROOT / "var" / "bench-sqlite"
    shutil.rmtree(data_dir, ignore_errors=True)
    env = server.bench_env("", "", data_dir)
    server.hearth(env, "migrate", "--noinput", "--verbosity", "0")
    seconds = server.hearth(env, "bench-data", "--profile", "small", "--verbosity", "0")
    server.hearth(env, "collectstatic", "--noinput", "--verbosity", "0")
    srv = server.start(env, workers=1)
    try:
        reader = client.login(srv.base, "bench_reader", PASSWORD)
        api_reader = client.bearer("bench_reader", issue_token(env, "bench_reader"))
        load = {
            path: asdict(
                client.wrk(srv.base + path, seconds=args.seconds, connections=16, session=session)
            )
            for path, session in (("/", reader), (HOME_JSON, api_reader))
        }
        rss = server.rss_kb(srv.worker_pids())
    finally:
        srv.stop()
    return {
        "bench_data_seconds": round(seconds, 1),
        "rss_mb_by_pid": {pid: round(kb / 1024, 1) for pid, kb in rss.items()},
        "rss_mb_total": round(sum(rss.values()) / 1024, 1),
        "load_16_connections": load,
    }


def _print(results: dict[str, Any]) -> None:
    out = sys.stdout
    out.write(f"\nHearth bench, profile {results['profile']}, ")
    out.write(f"{results['connections']} connections, ")
    out.write(f"{results['seconds']} s each, {results['server']}, jobs {results['jobs']}, ")
    out.write(f"store {results['feed_store']}\n")
    head = f"{'scenario':<16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
    out.write(head + f"{'queries':>8} {'KB':>6} {'x floor':>8} {'CPU ms':>7}\n")
    for name, row in results["scenarios"].items():
        spent = row.get("cpu_ms_per_request") or {}
        out.write(
            f"{name:<16} {row['rps']:>9.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
            f"{row['errors']:>7} {row['queries']:>8} {row['bytes_per_request'] / 1024:>6.1f} "
            f"{row['ratio_to_floor']:>8.3f} {spent.get('server', float('nan')):>7.2f}\n"
        )
    out.write(
        "CPU ms: the server's CPU per request during the load (web, worker, PostgreSQL, Redis):\n"
    )
    for name, row in results["scenarios"].items():
        if spent := row.get("cpu_ms_per_request"):
            parts = ", ".join(f"{part} {ms}" for part, ms in spent.items() if part != "server")
            out.write(f"  {name}: {parts}\n")
    for name in ("post_create", "post_create_api"):
        posting = results["scenarios"].get(name)
        if posting is None:
            continue
        if posting["rate_limited"]:
            out.write(
                f"{name}: {posting['rate_limited']} of the {posting['errors']} errors are 429s: "
                "Hearth's rate limits stopped the load (config/settings_bench.py raises them)\n"
            )
        out.write(
            f"{name}: {posting['acknowledged']} acknowledged, {posting['stored']} stored; "
            f"fan-out to {posting['writer_active_followers']} followers each: the newest "
            f"delivered {posting['fanout_done_after_load_s']} s after the load, every job done "
            f"{posting['all_jobs_done_after_load_s']} s after it "
            f"(~{posting['feed_inserts_per_s']} feed inserts/s); newest missing from "
            f"{posting['newest_missing_from_sampled_feeds']} sampled feeds\n"
        )
    if many := results["scenarios"].get("post_create_many"):
        followers = many["writers_active_followers"]
        out.write(
            f"post_create_many: {many['writers']} members posting (active followers: median "
            f"{statistics.median(followers)}, max {max(followers)}): {many['acknowledged']} "
            f"acknowledged, {many['stored']} stored; every job done "
            f"{many['all_jobs_done_after_load_s']} s after the load "
            f"(~{many['feed_inserts_per_s']} feed inserts/s); each writer's newest missing from "
            f"{many['newest_missing_from_sampled_feeds']} sampled feeds\n"
        )
    fan = results.get("fanout")
    if fan is not None:
        out.write(
            f"fan-out: {fan['posts']} posts to {fan['followers_active']} active followers "
            f"({fan['followers_sampled']} watched): p50 {fan['p50_s']} s, p95 {fan['p95_s']} s, "
            f"max {fan['max_s']} s ({fan['posts_delivered_under_load']} delivered under load, "
            f"POSTs answered in {[p['post_s'] for p in fan['per_post']]} s; a GET on a new "
            f"connection during the load {fan['fresh_connection_get_s']} s); "
            f"home JSON meanwhile {fan['home_json_during']['rps']} req/s\n"
        )
    if alone := results.get("fanout_throughput"):
        out.write(
            f"fan-out alone (one process, nothing else running): {alone['inserts']} feed inserts "
            f"for {alone['posts']} posts in {alone['seconds']} s = {alone['inserts_per_s']} "
            f"inserts/s ({alone['cpu_seconds']} s of its CPU)\n"
        )
    if burst := results.get("fanout_throughput_burst"):
        out.write(
            f"fan-out of a burst (the same, {burst['posts']} posts waiting, one fan-out): "
            f"{burst['inserts']} feed inserts in {burst['seconds']} s = "
            f"{burst['inserts_per_s']} inserts/s ({burst['cpu_seconds']} s of its CPU)\n"
        )
    out.write(f"Redis memory per feed: {results['redis_memory_per_feed']}\n")
    if "embedded" in results:
        emb = results["embedded"]
        out.write(f"embedded (SQLite, 1 worker): RSS {emb['rss_mb_total']} MB in all, ")
        out.write(f"by process {emb['rss_mb_by_pid']}\n")


if __name__ == "__main__":
    raise SystemExit(main())
