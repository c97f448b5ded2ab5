"""Two people saving the same claim at the same moment: exactly one wins, the other is told, nothing is lost."""

import threading

import pytest
from django.db import connection

from annotations import services
from annotations.models import Claim
from tests.factories import make_article, make_user


@pytest.mark.django_db(transaction=True)
def test_simultaneous_edits_of_one_version_let_exactly_one_through():
    article = make_article(body_html="<p>Critics say the bridge cost 8 million euros.</p>")
    author, chief = make_user("author", role="Editors"), make_user("chief", role="Admins")
    claim = services.create_claim(article, by=author, exact="Critics say", verdict="disputed")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(user, note):
        try:
            barrier.wait(timeout=10)
            services.update_claim(Claim.objects.get(pk=claim.pk), by=user, version=1, changes={"note": note})
            outcomes[note] = "saved"
        except services.DomainError as error:
            outcomes[note] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user, note)) for user, note in ((author, "A"), (chief, "B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["precondition_failed", "saved"]
    winner = next(note for note, outcome in outcomes.items() if outcome == "saved")
    claim.refresh_from_db()
    assert (claim.note, claim.version) == (winner, 2)
    assert claim.history.count() == 2


@pytest.mark.django_db(transaction=True)
def test_sources_changed_in_the_admin_and_the_api_at_once_neither_deadlock_nor_leave_search_stale():
    """The admin saves a source (source row, then its claim's titles) while the API replaces the claim's sources
    (claim row, then its sources): both lock the claim first, so they take turns, and the claim's copy of its
    titles (what search reads) ends as its sources are."""
    from django.db import transaction

    from annotations.models import Source

    article = make_article(body_html="<p>Critics say the bridge cost 8 million euros.</p>")
    editor = make_user("ed", role="Editors")
    claim = services.create_claim(article, by=editor, exact="Critics say", verdict="disputed")
    source = {"url": "https://example.org/a", "kind": "dataset", "stance": "contradicts"}
    errors: list[Exception] = []
    for round_number in range(8):
        current = Claim.objects.get(pk=claim.pk)
        services.update_claim(current, by=editor, version=current.version,
                              changes={"sources": [{**source, "title": f"Ledger {round_number}"}]})  # fmt: skip
        barrier = threading.Barrier(2)

        def admin_save(round_number=round_number, barrier=barrier):
            try:
                barrier.wait(timeout=10)
                with transaction.atomic():
                    # The admin's form saves the row it showed, even if the API replaced it meanwhile (Django's
                    # save() then inserts it again): the claim may hold more than one source after a round.
                    row = Source.objects.filter(claim_id=claim.pk).order_by("pk").first()
                    row.title = f"Admin {round_number}"
                    row.save()
            except Exception as error:  # any failure is the test's finding
                errors.append(error)
            finally:
                connection.close()

        def api_replace(round_number=round_number, barrier=barrier):
            try:
                barrier.wait(timeout=10)
                fresh = Claim.objects.get(pk=claim.pk)
                services.update_claim(fresh, by=editor, version=fresh.version,
                                      changes={"sources": [{**source, "title": f"Api {round_number}"}]})  # fmt: skip
            except services.DomainError:
                pass  # a stale version is a clean refusal, not a lost write
            except Exception as error:
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=admin_save), threading.Thread(target=api_replace)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        current = Claim.objects.get(pk=claim.pk)
        titles = "\n".join(Source.objects.filter(claim=current).order_by("pk").values_list("title", flat=True))
        assert current.source_titles == titles
