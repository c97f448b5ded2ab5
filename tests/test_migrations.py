"""Data migrations, run forwards on rows made before them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("annotations", "0005_search_and_filter_indexes")]
AFTER = [("annotations", "0006_search_source_titles")]


@pytest.fixture
def at_0005(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield MigrationExecutor(connection).loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_0006_copies_existing_source_titles_onto_their_claims_for_search(at_0005):
    apps = at_0005
    User = apps.get_model("auth", "User")
    Article, Claim, Source = (apps.get_model("annotations", name) for name in ("Article", "Claim", "Source"))
    user = User.objects.create(username="old-editor")
    article = Article.objects.create(
        title="Old", slug="old", body_html="<p>The mayor said it.</p>", body_text="The mayor said it.", text_hash="x"
    )
    claims = [
        Claim.objects.create(
            article=article, start=0, end=9, exact="The mayor", verdict="verified", created_by=user, updated_by=user
        )
        for _ in range(2)
    ]
    for title in ("Harbour ledger", "Port budget"):
        Source.objects.create(
            claim=claims[0], url="https://example.org/", title=title, kind="dataset", stance="supports"
        )

    MigrationExecutor(connection).migrate(AFTER)

    from annotations.models import Claim as CurrentClaim

    titles = dict(CurrentClaim.objects.values_list("pk", "source_titles"))
    assert titles == {claims[0].pk: "Harbour ledger\nPort budget", claims[1].pk: ""}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM annotations_claim WHERE search_document @@ to_tsquery('simple', 'ledger')")
            assert [row[0] for row in cursor.fetchall()] == [claims[0].pk]
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'annotations_claim'")
            indexes = {row[0] for row in cursor.fetchall()}
        assert {"claim_document_search", "claim_speaker_trigram", "claim_state_verdict"} <= indexes
        assert "claim_search" not in indexes
