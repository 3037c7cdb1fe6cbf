"""Indexes that make search fast on PostgreSQL, on tables other apps own.

- Account usernames and display names, and hashtag names, by lower-cased prefix: the existing
  unique index on LOWER(username) uses the database's collation, which can't serve `LIKE 'ab%'`
  unless the collation is "C"; `text_pattern_ops` can.
- Post text, full text: a GIN index over `to_tsvector('simple', text)`, the exact expression
  hearth.search.selectors filters on ('simple': no stemming, as posts come in any language).

Nothing happens on SQLite: it has neither, and search there uses a bounded LIKE scan instead.
The indexes are built with plain CREATE INDEX (not CONCURRENTLY, which can't run in a
migration's transaction); on a large existing posts table, build the GIN index by hand with
CONCURRENTLY first, and this migration then finds it already there (IF NOT EXISTS).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEXES = {
    "search_account_username_prefix": (
        "accounts_account",
        "(LOWER(username) text_pattern_ops)",
    ),
    "search_account_display_name_prefix": (
        "accounts_account",
        "(LOWER(display_name) text_pattern_ops)",
    ),
    "search_hashtag_name_prefix": ("posts_hashtag", "(LOWER(name) text_pattern_ops)"),
    "search_post_text_fts": ("posts_post", "USING GIN (to_tsvector('simple'::regconfig, text))"),
}


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, definition) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_account_last_active_at"),
        ("posts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
