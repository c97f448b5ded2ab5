"""The newsroom that tests/test_backup.py backs up and restores, and the rows it compares.

Run in a subprocess against a database of the test's own (DATABASE_URL or DJANGO_SQLITE_NAME), never the test
database: pytest-django keeps that one in a transaction, which pg_dump would not see.

    python -m tests.backup_data build      # claims, sources, reviews, history, users, groups, tokens, a revision
    python -m tests.backup_data rows       # every row of every table a backup must keep, as JSON
    python -m tests.backup_data add-claim  # after a restore: a new user's claim, and what history says of it
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

ARTICLE_HTML = (
    "<p>“The harbour tunnel cost €40 million,” said Mayor Zoë Ødegård on Monday 🚇.</p>\n"
    "<p>The city’s own budget puts the tunnel at €52 million, and the auditors agree.</p>\n"
    "<p>Ødegård also said that 12,000 cars use the tunnel every day.</p>"
)
TUNNEL_COST = "The harbour tunnel cost €40 million"
BUDGET = "The city’s own budget puts the tunnel at €52 million"
CARS = "12,000 cars use the tunnel every day"


def source(stance: str, n: int, **fields: Any) -> dict[str, Any]:
    return {
        "url": f"https://example.org/{stance}/{n}",
        "title": f"{stance.title()} document {n}",
        "publisher": "City of Bergen",
        "kind": "primary_document",
        "stance": stance,
        **fields,
    }


def build() -> None:
    """A small newsroom made the way people make it: through the services, so every history row is real."""
    import datetime
    from io import StringIO

    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import Group, Permission, User
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from annotations import roles, services
    from annotations.ingest import ArticleInput
    from annotations.models import Article, ArticleRevision, Claim, Source

    call_command("load_demo", stdout=StringIO())  # editor, reviewer, admin; the seed articles and demo claims
    editor, reviewer, admin = (User.objects.get(username=name) for name in ("editor", "reviewer", "admin"))

    desk = User.objects.create_user("desk", password="pw", first_name="Zoë", last_name="Ødegård")
    desk.groups.add(Group.objects.get(name=roles.EDITORS), Group.objects.get(name=roles.REVIEWERS))
    checker = User.objects.create_user("checker", password="pw", email="checker@example.org")
    checker.groups.add(Group.objects.get(name=roles.REVIEWERS))
    checker.user_permissions.add(Permission.objects.get(codename="view_user"))
    for user in (editor, desk):
        Token.objects.create(user=user)

    # An article and the newest user, deleted in the admin after their claim was: its history still names both.
    intern = User.objects.create_user("intern", password="pw")
    intern.groups.add(Group.objects.get(name=roles.EDITORS))
    withdrawn = services.import_article(ArticleInput(title="Withdrawn", body_html="<p>The mayor said it.</p>")).article
    claim = services.create_claim(withdrawn, by=intern, exact="The mayor", verdict="verified")
    services.delete_claim(claim, by=intern, version=claim.version)
    deleted = {"article": withdrawn.pk, "user": intern.pk}
    withdrawn.delete()
    intern.delete()

    article = services.import_article(
        ArticleInput(
            title="Tunnel costs",
            body_html=ARTICLE_HTML,
            publisher="Bergen Daily",
            source_url="https://example.org/tunnel",
            published_on=datetime.date(2024, 3, 4),
        ),
        by=editor,
    ).article

    cost = services.create_claim(
        article, by=editor, exact=TUNNEL_COST, verdict="disputed", speaker="Zoë Ødegård",
        sources=[source("contradicts", 1), source("origin", 2, quoted_text="“€40 million”")],
    )  # fmt: skip
    sources = [{"id": row.pk, **source(row.stance, n)} for n, row in enumerate(cost.sources.all(), start=1)]
    sources[0]["title"] = "Budget 2024, page 12"
    cost = services.update_claim(
        cost, by=editor, version=cost.version,
        changes={"note": "The budget says €52 million.", "sources": [*sources, source("contradicts", 3)]},
    )  # fmt: skip
    services.submit_claim(cost, by=editor)
    services.request_changes(cost, by=reviewer, comment="Cite the auditors’ report too.")
    cost = services.update_claim(cost, by=editor, version=cost.version, changes={"summary": "Tunnel cost €52m"})
    services.submit_claim(cost, by=editor, comment="Added the summary.")
    services.approve_claim(cost, by=reviewer, comment="Good.")
    services.reopen_claim(cost, by=reviewer, comment="The auditors revised their figure.")

    budget = services.create_claim(article, by=desk, exact=BUDGET, verdict="verified", sources=[source("supports", 4)])
    services.submit_claim(budget, by=desk)
    services.approve_claim(budget, by=reviewer)

    # The newest claim and source, deleted: their ids are in the history, never to be given to another claim.
    cars = services.create_claim(article, by=editor, exact=CARS, verdict="verified", sources=[source("supports", 5)])
    deleted |= {"claim": cars.pk, "source": cars.sources.get().pk}
    services.delete_claim(cars, by=editor, version=cars.version)

    services.revise_article(
        article,
        ARTICLE_HTML.replace("on Monday", "on Monday morning").replace("auditors agree", "auditors concur"),
        by=desk,
        reason="Corrected the day",
    )
    LogEntry.objects.log_actions(
        admin.pk, Article.objects.filter(pk=article.pk), CHANGE, "Changed publisher.", single_object=True
    )

    # The comparisons are only as good as these rows: check that every kind is here.
    history = Claim.history.filter(history_type="-", article_id=deleted["article"], created_by_id=deleted["user"])
    assert history.exists(), "the history of a claim whose article and author were deleted"
    assert deleted["user"] > User.objects.latest("pk").pk
    assert deleted["claim"] > Claim.objects.latest("pk").pk
    assert deleted["source"] > Source.objects.latest("pk").pk
    assert Claim.history.filter(id=cost.pk).count() >= 8
    assert set(cost.reviews.values_list("decision", flat=True)) == {"approve", "request_changes"}
    assert cost.reviews.filter(comment__startswith="Reopened: ").exists()
    assert ArticleRevision.objects.filter(article=article, report__counts__relocated=1).exists()
    assert desk.groups.count() == 2
    assert checker.user_permissions.exists()
    assert Token.objects.count() == 2


def rows() -> dict[str, list[list[Any]]]:
    """Every row of every table a backup must keep, with the values Django reads, sorted.

    Content types and permissions are made by `migrate` in each database, with ids of its own: a reference to one
    is given by its natural key. Sessions are left out: the dumpdata backup does not keep them.
    """
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.models import Session

    per_database = (ContentType, Permission, Session)
    natural = {model: {row.pk: row.natural_key() for row in model.objects.all()} for model in (ContentType, Permission)}
    tables: dict[str, list[list[Any]]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model in per_database:
            continue
        fields = model._meta.concrete_fields
        if model._meta.auto_created:  # a many-to-many table: its rows' own ids are made anew, and nothing uses them
            fields = [field for field in fields if not field.primary_key]
        table = [
            [
                natural[field.related_model][value] if field.related_model in natural else value
                for field, value in zip(fields, values, strict=True)
            ]
            for values in model._base_manager.values_list(*(field.attname for field in fields))
        ]
        tables[model._meta.db_table] = sorted(table, key=lambda row: json.dumps(row, default=str, sort_keys=True))
    return tables


def add_claim() -> dict[str, Any]:
    """After a restore: a new user writes a claim through the services. What the history then says of them.

    A restore that lets ids start again below the ids the history holds gives the new claim (or source, article,
    user) the id of a deleted one, whose history then reads as the new one's. On PostgreSQL a sequence left behind
    below the rows' own ids makes an insert fail with a duplicate id.
    """
    from django.contrib.auth.models import Group, User
    from django.db.models import Q

    from annotations import roles, services
    from annotations.ingest import ArticleInput
    from annotations.models import Article, Claim, Source

    newcomer = User.objects.create_user("newcomer", password="pw")
    newcomer.groups.add(Group.objects.get(name=roles.EDITORS))
    article = services.import_article(ArticleInput(title="After the restore", body_html=ARTICLE_HTML)).article
    claim = services.create_claim(article, by=newcomer, exact=CARS, verdict="verified", sources=[source("supports", 6)])
    services.submit_claim(claim, by=newcomer)
    services.approve_claim(claim, by=User.objects.get(username="reviewer"))
    services.revise_article(article, ARTICLE_HTML.replace("every day", "each day"), by=newcomer)
    by_newcomer = Q(created_by=newcomer) | Q(updated_by=newcomer) | Q(history_user=newcomer)

    def history(model: type, pk: int) -> list[str]:
        return list(model.history.filter(id=pk).order_by("history_id").values_list("history_type", flat=True))

    return {
        "article history": history(Article, article.pk),
        "claim history": history(Claim, claim.pk),
        "source history": history(Source, claim.sources.get().pk),
        "claims naming the newcomer": sorted(set(Claim.history.filter(by_newcomer).values_list("id", flat=True))),
        "new claim": claim.pk,
    }


COMMANDS = {"build": build, "rows": rows, "add-claim": add_claim}


def main(command: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.test_settings")
    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # stdout carries the result
    result = COMMANDS[command]()
    if result is not None:
        json.dump(result, sys.stdout, default=str, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
