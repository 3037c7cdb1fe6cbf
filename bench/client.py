"""HTTP from the bench process: log in through the real form, sample X-Queries, run wrk."""

import http.cookiejar
import json
import re
import shutil
import statistics
import subprocess
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

LUA = Path(__file__).resolve().parent / "wrk" / "scenario.lua"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Session:
    username: str
    cookie: str  # the Cookie header: session and CSRF cookies
    csrf: str
    #: The Authorization header, for the API (`Bearer ...`); empty for the web.
    authorization: str = ""


def bearer(username: str, token: str) -> Session:
    """A client of the API: a bearer token, no cookies."""
    return Session(username, "", "", f"Bearer {token}")


def login(base: str, username: str, password: str) -> Session:
    """Log in through allauth's login form, as a browser would."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/accounts/login/") as response:
        form = response.read().decode()
    match = _CSRF_INPUT.search(form)
    if match is None:
        raise RuntimeError("no CSRF token on the login form")
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match[1], "login": username, "password": password}
    ).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=data, method="POST")  # noqa: S310
    request.add_header("Referer", base + "/accounts/login/")
    with opener.open(request) as response:
        response.read()
    cookies = {cookie.name: cookie.value or "" for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"logging in {username} failed (no session cookie)")
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return Session(username, header, cookies.get("csrftoken", ""))


@dataclass(frozen=True)
class Sample:
    status: int
    queries: int
    size: int


def request(
    base: str, path: str, session: Session | None, *, post: str = "", content_type: str = ""
) -> Sample:
    """One request without following redirects; its status, X-Queries and body size. A POST
    with cookies sends a form with the CSRF header; give `content_type` for another body."""
    req = urllib.request.Request(base + path, data=post.encode() or None)  # noqa: S310
    if content_type:
        req.add_header("Content-Type", content_type)
    if session is not None and session.authorization:
        req.add_header("Authorization", session.authorization)
    if session is not None and session.cookie:
        req.add_header("Cookie", session.cookie)
        if post:
            req.add_header("X-CSRFToken", session.csrf)
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        with opener.open(req) as response:
            body = response.read()
            return Sample(response.status, int(response.headers["X-Queries"]), len(body))
    except urllib.error.HTTPError as error:  # 3xx and errors land here without redirecting
        queries = int(error.headers.get("X-Queries", -1))
        return Sample(error.code, queries, len(error.read()))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def queries_per_request(samples: list[Sample]) -> float:
    return statistics.median(sample.queries for sample in samples)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)  # noqa: S607
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    bytes_per_request: float
    #: Of the errors, answers 429 (Hearth's rate limits); counted for POST loads only.
    rate_limited: int = 0


#: What a POST load sends (bench/wrk/scenario.lua): the web's compose form, or the API's status.
PostBody = Literal["form", "status"]


def wrk_command(
    url: str,
    *,
    seconds: int,
    connections: int,
    session: Session | None,
    post: bool = False,
    body: PostBody = "form",
    authorizations: Path | None = None,
) -> list[str]:
    """`authorizations`: a file of Authorization headers, one a line, taken in turn by the
    requests instead of the session's (many members posting through the API)."""
    cookie, csrf = (session.cookie, session.csrf) if session else ("", "")
    authorization = session.authorization if session else ""
    args = ["POST" if post else "GET", cookie, csrf, authorization, body]
    args.append(str(authorizations) if authorizations is not None else "")
    return [
        ensure_wrk(), "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(LUA), url, "--", *args,
    ]  # fmt: skip


def parse_wrk(output: str) -> WrkResult:
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = data["duration_us"] / 1e6
    errors = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return WrkResult(
        requests=data["requests"],
        seconds=round(seconds, 2),
        rps=round(data["requests"] / seconds, 1),
        p50_ms=round(data["p50_us"] / 1000, 2),
        p99_ms=round(data["p99_us"] / 1000, 2),
        errors=errors,
        bytes_per_request=round(data["bytes"] / max(data["requests"], 1)),
        rate_limited=data.get("limited", 0),
    )


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    session: Session | None,
    post: bool = False,
    body: PostBody = "form",
    authorizations: Path | None = None,
) -> WrkResult:
    command = wrk_command(
        url,
        seconds=seconds,
        connections=connections,
        session=session,
        post=post,
        body=body,
        authorizations=authorizations,
    )
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return parse_wrk(done.stdout)
