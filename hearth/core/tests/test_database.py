"""How Hearth's connections to PostgreSQL are set up (config/settings.py)."""

import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_connections_ask_postgresql_for_no_jit() -> None:
    # HEARTH_DB_JIT's default: a feed rebuild's query spent ~130 of ~170 ms being JIT-compiled
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
