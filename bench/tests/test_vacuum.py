"""The bench vacuums its database before measuring, as autovacuum keeps a live server's."""

import pytest
from django.db import connection

from bench import server


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_bench_database_is_vacuumed_and_analyzed():
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    assert server.vacuum(url) >= 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL "
            "FROM pg_stat_user_tables WHERE relname = 'posts_post'"
        )
        assert cursor.fetchone() == (True,)
