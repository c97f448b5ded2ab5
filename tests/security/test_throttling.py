"""Flooding is refused: sign-in is locked after repeated wrong passwords, the API is throttled per user and per
anonymous address; both answer 429 with Retry-After, and nobody else is affected."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_that_user_name_from_that_address_with_429_and_retry_after():
    make_user("ed", role="Editors")
    client = Client()
    for _ in range(4):
        assert sign_in(client, "ed", "wrong").status_code == 200  # the form again, with its error
    locked = sign_in(client, "ed", "wrong")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 15 * 60
    assert "Too many sign-in attempts" in locked.content.decode()
    # Locked means locked: the right password is refused too, and no session is made.
    right = sign_in(client, "ed", "pw")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lock_out_locks_only_that_pair():
    make_user("ed", role="Editors")
    make_user("rev", role="Reviewers")
    for _ in range(5):
        sign_in(Client(), "ed", "wrong", address="203.0.113.7")
    # The same person from the newsroom's address, and a colleague from the attacker's address, still sign in.
    assert sign_in(Client(), "ed", "pw", address="198.51.100.1").status_code == 302
    assert sign_in(Client(), "rev", "pw", address="203.0.113.7").status_code == 302


def test_the_lock_lifts_after_the_cool_off_and_a_success_forgets_earlier_failures():
    make_user("ed", role="Editors")
    for _ in range(5):
        sign_in(Client(), "ed", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert sign_in(Client(), "ed", "pw").status_code == 302
    for _ in range(4):
        sign_in(Client(), "ed", "wrong")
    assert sign_in(Client(), "ed", "pw").status_code == 302  # 4 failures, then success: the count starts again
    assert sign_in(Client(), "ed", "wrong").status_code == 200


def test_the_admin_and_the_api_sign_in_pages_are_locked_too():
    make_user("boss", is_staff=True, is_superuser=True)
    for _ in range(5):
        Client().post("/admin/login/", {"username": "boss", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    assert (
        Client().post("/admin/login/", {"username": "boss", "password": "pw"}, REMOTE_ADDR="203.0.113.9").status_code
        == 429
    )
    assert (
        Client().post("/api-auth/login/", {"username": "boss", "password": "pw"}, REMOTE_ADDR="203.0.113.9").status_code
        == 429
    )


@pytest.fixture
def low_rates(monkeypatch):
    """The throttles with small rates (DRF binds the rates when it is imported, so settings cannot change them)."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"})


def test_anonymous_clients_are_throttled_per_address_with_retry_after(low_rates):
    api = APIClient()
    for _ in range(3):
        assert api.get("/api/v1/claims/", REMOTE_ADDR="203.0.113.7").status_code == 200
    refused = api.get("/api/v1/claims/", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"]
    assert api.get("/api/v1/claims/", REMOTE_ADDR="198.51.100.1").status_code == 200  # another address


def test_signed_in_users_are_throttled_each_on_their_own_count(low_rates):
    flooder, colleague = APIClient(), APIClient()
    flooder.force_authenticate(make_user("ed", role="Editors"))
    colleague.force_authenticate(make_user("rev", role="Reviewers"))
    statuses = [flooder.get("/api/v1/claims/").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    assert colleague.get("/api/v1/claims/").status_code == 200
    # Writes count too, and a refused write changes nothing.
    assert flooder.post("/api/v1/claims/", {}, format="json").status_code == 429


def test_exports_and_the_annotation_protocol_are_throttled_too(low_rates):
    api = APIClient()
    paths = ["/api/v1/export/claims.csv", "/api/v1/export/annotations.jsonld", "/annotations/", "/api/v1/articles/"]
    statuses = [api.get(path, REMOTE_ADDR="203.0.113.7").status_code for path in paths]
    assert statuses == [200, 200, 200, 429]


def test_default_rates_are_the_documented_ones():
    assert SimpleRateThrottle.THROTTLE_RATES == {"anon": "300/minute", "user": "1200/minute"}


def test_an_admin_lifts_a_lock_out_in_the_admin():
    make_user("ed", role="Editors")
    for _ in range(5):
        sign_in(Client(), "ed", "wrong")
    attempt = AccessAttempt.objects.get()
    admin = Client()
    admin.force_login(make_user("boss", is_staff=True, is_superuser=True))
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
    admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert sign_in(Client(), "ed", "pw").status_code == 302
