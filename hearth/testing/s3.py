"""A real S3 server for tests: moto's, on a free 127.0.0.1 port, and Hearth's media storages
pointed at a fresh bucket in it with MEDIA_STORAGE=s3.

The storage settings are not copied here: `config/settings.py` itself is evaluated with the
environment an operator would set, and what it computes is applied with override_settings, so
tests exercise the configuration Hearth ships.

    def test_x(s3):
        bucket = s3()                                  # or s3(media_url="https://cdn.example/")
        ... upload ...
        assert bucket.objects() == [...]
"""

import runpy
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"
ACCESS_KEY, SECRET_KEY = "hearth-test", "hearth-test-secret"  # moto accepts any
#: What MEDIA_STORAGE=s3 sets besides STORAGES, applied on top of the test settings.
S3_SETTINGS = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ACCESS_KEY_ID",
    "AWS_S3_SECRET_ACCESS_KEY",
    "AWS_S3_FILE_OVERWRITE",
    "AWS_QUERYSTRING_AUTH",
    "AWS_S3_OBJECT_PARAMETERS",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_S3_URL_PROTOCOL",
    "MEDIA_URL",
    "HEARTH_SERVE_MEDIA",
)


def free_local_url() -> str:
    """http://127.0.0.1:<a port nothing listens on right now>."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free local port, for the whole session (started on first use)."""
    from moto.server import ThreadedMotoServer  # imported here: moto is slow to import

    url = free_local_url()
    port = int(url.rsplit(":", 1)[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield url
    finally:
        server.stop()


@dataclass
class Bucket:
    name: str
    client: Any  # boto3's S3 client (untyped)

    def objects(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def head(self, key: str) -> dict[str, Any]:
        found: dict[str, Any] = self.client.head_object(Bucket=self.name, Key=key)
        return found

    def read(self, key: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return body


def hearth_settings(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """config/settings.py evaluated with `environment`, as a fresh module (not the one running)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture
def s3(
    s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Bucket]]:
    """use_s3(media_url=""): a fresh bucket, and Hearth's storages pointed at it until the test
    ends. `media_url` is HEARTH_MEDIA_URL, the public (CDN) base."""
    import boto3  # type: ignore[import-untyped]  # no stubs installed

    cleanups: list[Callable[[], None]] = []

    def use_s3(media_url: str = "") -> Bucket:
        name = f"hearth-{uuid.uuid4().hex[:12]}"
        configured = hearth_settings(
            {
                "HEARTH_DATA_DIR": str(tmp_path),
                "SECRET_KEY": "test-only",
                "MEDIA_STORAGE": "s3",
                "HEARTH_S3_BUCKET": name,
                "HEARTH_S3_ENDPOINT_URL": s3_endpoint,
                "HEARTH_S3_ACCESS_KEY_ID": ACCESS_KEY,
                "HEARTH_S3_SECRET_ACCESS_KEY": SECRET_KEY,
                "HEARTH_MEDIA_URL": media_url,
            },
            monkeypatch,
        )
        client = boto3.client(
            "s3",
            endpoint_url=s3_endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=name)
        storages = {
            **settings.STORAGES,
            "default": configured["STORAGES"]["default"],
            "media_private": configured["STORAGES"]["media_private"],
        }
        overrides = override_settings(
            STORAGES=storages, **{key: configured[key] for key in S3_SETTINGS}
        )
        overrides.enable()
        cleanups.append(overrides.disable)
        return Bucket(name=name, client=client)

    yield use_s3
    for cleanup in reversed(cleanups):
        cleanup()
