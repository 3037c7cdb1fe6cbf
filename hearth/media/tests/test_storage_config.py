"""MEDIA_STORAGE=s3 is configuration only here (see docs/subsystems/media.md): the settings fail
fast when incomplete and choose django-storages' S3 backend with the CDN base when complete."""

import os
import subprocess
import sys

PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.STORAGES['default']['BACKEND'], s.STORAGES['media_private']['OPTIONS']['default_acl'],"
    " s.MEDIA_URL, s.AWS_S3_CUSTOM_DOMAIN)"
)


def _settings(env):
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "MEDIA_STORAGE": "s3", **env}
    return subprocess.run(  # noqa: S603  # our own interpreter and a fixed script
        [sys.executable, "-c", PRINT], env=full, capture_output=True, text=True, check=False
    )


def test_s3_without_a_bucket_fails_fast(tmp_path):
    result = _settings({"HEARTH_DATA_DIR": str(tmp_path), "HEARTH_S3_BUCKET": ""})
    assert result.returncode != 0
    assert "MEDIA_STORAGE=s3 needs HEARTH_S3_BUCKET" in result.stderr


def test_s3_complete_uses_django_storages_with_a_cdn_base(tmp_path):
    result = _settings(
        {
            "HEARTH_DATA_DIR": str(tmp_path),
            "HEARTH_S3_BUCKET": "hearth-media",
            "HEARTH_S3_ACCESS_KEY_ID": "id",
            "HEARTH_S3_SECRET_ACCESS_KEY": "secret",
            "HEARTH_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "HEARTH_MEDIA_URL": "https://cdn.example.org/",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "private",
        "https://cdn.example.org/",
        "cdn.example.org",
    ]
