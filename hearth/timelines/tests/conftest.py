import pytest

from hearth.posts.tests.factories import make_account


@pytest.fixture
def ana(db):
    return make_account("ana")


@pytest.fixture
def bruno(db):
    return make_account("bruno")


@pytest.fixture
def carla(db):
    return make_account("carla")
