import pytest

from tests.factories import Office


@pytest.fixture
def office(db) -> Office:
    return Office()
