"""Hearth's benchmark suite: the bench-only server pieces (urls, views, middleware) loaded by
config.settings_bench, and the runner (`python -m bench.run`, `make bench`). See README.md."""
