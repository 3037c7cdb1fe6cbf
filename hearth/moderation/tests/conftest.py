import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rendered policies are cached across requests; each test starts from its own database, so
    # it must not see a page cached by an earlier one.
    cache.clear()
    yield
    cache.clear()
