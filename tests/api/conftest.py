import pytest
from rest_framework.test import APIClient

from tests.factories import make_article

BODY = (
    "<p>The mayor said the bridge cost 4 million euros.</p>\n"
    "<p>Critics say the bridge cost 8 million euros, citing the city budget.</p>"
)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def article(db):
    return make_article(title="Bridge", body_html=BODY)


@pytest.fixture
def as_editor(api, editor):
    api.force_authenticate(editor)
    return api
