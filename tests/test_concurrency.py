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
