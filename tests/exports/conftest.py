import pytest
from rest_framework.test import APIClient

from tests.exports.support import Newsroom, build_newsroom


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def newsroom(db) -> Newsroom:
    """Seven claims on three articles, with six sources (see support.build_newsroom)."""
    return build_newsroom()
