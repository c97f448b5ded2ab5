"""Flooding is refused: sign-in is locked after repeated wrong passwords, the API is throttled per user and per
anonymous address; both answer 429 with Retry-After, and nobody else is affected."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from annotations.models import Claim
from tests.factories import make_article, make_user

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


def test_an_anonymous_request_is_counted_once_by_the_anonymous_limit_only(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "10/minute", "user": "2/minute"})
    from django.core.cache import cache

    written = []
    monkeypatch.setattr(cache, "set", lambda key, *args, **kwargs: written.append(key))
    api = APIClient()
    assert [api.get("/api/v1/claims/").status_code for _ in range(3)] == [200] * 3  # beyond the user rate
    assert len(written) == 3
    assert all(key.startswith("throttle_anon_") for key in written)


def test_signed_in_users_are_throttled_each_on_their_own_count(low_rates):
    flooder, colleague = APIClient(), APIClient()
    flooder.force_authenticate(make_user("ed", role="Editors"))
    colleague.force_authenticate(make_user("rev", role="Reviewers"))
    answers = [flooder.get("/api/v1/claims/") for _ in range(7)]
    assert [answer.status_code for answer in answers] == [200] * 5 + [429] * 2
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    assert colleague.get("/api/v1/claims/").status_code == 200
    # Writes count too, and a refused write changes nothing.
    article = make_article()
    refused = flooder.post("/api/v1/claims/", {"article": article.pk, "exact": "the mayor", "verdict": "disputed"},
                           format="json")  # fmt: skip
    assert refused.status_code == 429
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "path", ["/api/v1/export/claims.csv", "/api/v1/export/annotations.jsonld", "/api/v1/export/claimreview.jsonld",
             "/annotations/", "/api/v1/articles/", "/api/schema/"],
)  # fmt: skip
def test_every_api_export_and_protocol_endpoint_is_throttled(low_rates, path):
    api = APIClient()
    statuses = [api.get(path, REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)]
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


# Which address counts: a client cannot choose its own.


def test_a_client_writing_its_own_x_forwarded_for_is_still_locked_out_and_throttled(low_rates):
    """With no proxy configured (the default), X-Forwarded-For is the client's own text and is never read."""
    make_user("ed", role="Editors")
    for n in range(5):
        Client().post("/accounts/login/", {"username": "ed", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert Client().post("/accounts/login/", {"username": "ed", "password": "pw"},
                         HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429  # fmt: skip
    statuses = [APIClient().get("/api/v1/claims/", HTTP_X_FORWARDED_FOR=f"10.1.0.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


@override_settings(NUM_PROXIES=1)
def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(low_rates):
    def via_proxy(client_wrote: str, proxy_saw: str):
        return APIClient().get("/api/v1/claims/", HTTP_X_FORWARDED_FOR=f"{client_wrote}, {proxy_saw}",
                               REMOTE_ADDR="10.0.0.1")  # fmt: skip

    statuses = [via_proxy(f"192.0.2.{n}", "198.51.100.7").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]  # what the client wrote before the proxy's entry changes nothing
    assert via_proxy("192.0.2.1", "198.51.100.8").status_code == 200  # another client behind the same proxy


@override_settings(NUM_PROXIES=1)
@pytest.mark.parametrize("header", ["not-an-ip", "", "1.2.3.4.5", "a, b, c", "::1%eth0'--"])
def test_a_forwarded_address_that_is_not_one_falls_back_to_the_connection_and_is_never_a_500(header):
    make_user("ed", role="Editors")
    response = Client().post("/accounts/login/", {"username": "ed", "password": "wrong"}, HTTP_X_FORWARDED_FOR=header,
                             REMOTE_ADDR="203.0.113.7")  # fmt: skip
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_an_ipv6_client_is_counted_by_its_64_block(low_rates):
    addresses = [f"2001:db8:1:2::{n}" for n in range(1, 5)]
    statuses = [APIClient().get("/api/v1/claims/", REMOTE_ADDR=address).status_code for address in addresses]
    assert statuses == [200, 200, 200, 429]
    assert APIClient().get("/api/v1/claims/", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_a_throttle_cache_that_cannot_be_written_lets_requests_through_and_logs_an_error(
    low_rates, monkeypatch, caplog
):
    from django.core.cache import cache

    def unwritable(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/srv/factcheck/.cache")

    monkeypatch.setattr(cache, "set", unwritable)
    assert [APIClient().get("/api/v1/claims/").status_code for _ in range(5)] == [200] * 5
    assert "API throttling is off" in caplog.text


def _count_many(folder: str, times: int) -> None:
    from annotations.api.throttling import FileCounts

    counts = FileCounts(folder)
    for _ in range(times):
        counts.add("throttle_user_1", window=7, limit=10**9)


def test_file_counts_refuse_beyond_the_limit_until_the_next_window_each_client_on_its_own(tmp_path):
    from annotations.api.throttling import FileCounts

    counts = FileCounts(str(tmp_path / "throttles"))  # made on first use
    assert [counts.add("a", window=1, limit=3) for _ in range(5)] == [True, True, True, False, False]
    assert counts.add("b", window=1, limit=3)  # another client
    assert counts.add("a", window=2, limit=3)  # the next window starts afresh


def test_file_counts_lose_no_request_when_workers_count_at_once(tmp_path):
    # Four processes count the same client 300 times each: under the lock, 1,200 exactly (a read-then-write
    # cache, as Django's file cache is, loses the counts of workers that write at the same moment).
    import multiprocessing
    import struct

    processes = [multiprocessing.Process(target=_count_many, args=(str(tmp_path), 300)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(30)
    assert [process.exitcode for process in processes] == [0] * 4
    (only,) = list(tmp_path.iterdir())
    assert struct.unpack("<qq", only.read_bytes()) == (7, 1200)


def test_file_counts_of_clients_gone_for_a_day_are_swept(tmp_path):
    import os
    import time

    from annotations.api.throttling import FileCounts

    counts = FileCounts(str(tmp_path))
    counts.add("old", window=1, limit=5)
    counts.add("recent", window=1, limit=5)
    old = next(tmp_path.iterdir())  # either client's file: one of the two made old
    a_day_ago = time.time() - FileCounts.STALE_SECONDS - 60
    os.utime(old, (a_day_ago, a_day_ago))
    assert counts.sweep() == 1
    assert len(list(tmp_path.iterdir())) == 1
