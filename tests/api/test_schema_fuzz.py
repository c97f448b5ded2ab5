"""Schemathesis fuzzes the REST API against its own OpenAPI schema, in process through WSGI.

Every operation of /api/schema/ is called as an admin (DRF token) and anonymously, over the demo data, with a
bounded, derandomized number of examples. Each answer must not be a 5xx, must have a documented status code and
content type, and its body must match the documented schema (errors included: annotations/api/schema.py).

It found, and now guards against: a 500 for a non-numeric id on the history endpoint, a history documented as
paginated but answered as a list, "source_url": "" documented as a URI, and error statuses left undocumented.

The schema is loaded when the module is imported: `schemathesis.pytest.from_fixture` would load it inside a test,
but schemathesis 4.32.5's lazy loader touches `Function._nodeid`, which pytest 9.2 no longer has. Fetching the
schema reads no database, and each generated test item gets its own test transaction with the demo data.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from annotations.models import Article, Claim
from factcheck.wsgi import application
from tests.factories import make_user

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    application,
    config=schemathesis.Config.from_dict(
        # Deterministic: the same requests on every run (the coverage phase too, not only Hypothesis).
        # The test sends the admin's token itself; generated Authorization headers would only earn 401s.
        {"generation": {"deterministic": True, "with-security-parameters": False}}
    ),
)


@schema.hook
def flatmap_case(context, case):
    """Often aim at an existing row with a plausible ETag, so writes get past 404 and 412 into the services."""
    path_id = (case.path_parameters or {}).get("id")
    if not isinstance(path_id, int):  # negative data stays as generated
        return st.just(case)
    is_article = case.operation.path.startswith("/api/v1/articles/")
    # Read at draw time, inside the test transaction: PostgreSQL does not roll back its id sequences.
    pks = list((Article if is_article else Claim).objects.order_by("pk").values_list("pk", flat=True))
    etag = '"article-{}-r{}"' if is_article else '"claim-{}-v{}"'

    def aim(choice: tuple[int, int, bool] | None):
        if choice is not None:
            pk, version, with_etag = choice
            case.path_parameters["id"] = pk
            if with_etag and "If-Match" in case.operation.headers:
                case.headers = {**(case.headers or {}), "If-Match": etag.format(pk, version)}
        return case

    if not pks:
        return st.just(case)
    return st.one_of(st.none(), st.tuples(st.sampled_from(pks), st.integers(1, 3), st.booleans())).map(aim)


@pytest.fixture
def fuzz_demo_db(db):
    call_command("load_demo", verbosity=0)
    # As Django's test client does: requests must not close the connection that holds the test transaction
    # (on PostgreSQL that would break it; the WSGI handler sends these signals around every request).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["admin", "anonymous"])
def fuzz_auth(request, fuzz_demo_db) -> dict[str, str]:
    if request.param == "anonymous":
        return {}
    token = Token.objects.create(user=make_user("fuzz", role="Admins"))
    return {"Authorization": f"Token {token.key}"}


# Explicit settings, because the loaded Hypothesis profile (200 examples, 500 on CI) would otherwise win.
# The demo data lives in the test transaction and is shared by an operation's examples: a DELETE may remove a claim.
@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_api_conforms_to_its_schema(case, fuzz_auth):
    response = case.call(headers=fuzz_auth)
    case.validate_response(response, headers=fuzz_auth, checks=CHECKS)
