"""Small builders for test objects. Each returns a saved row with sensible defaults."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations import services
from annotations.ingest import ArticleInput
from annotations.models import Article, Claim, Source

_counter = itertools.count(1)

BODY_HTML = (
    "<p>The mayor said the bridge cost 4 million euros.</p>\n"
    "<p>Critics say it cost twice that, citing the city budget.</p>"
)


def make_user(username: str | None = None, *, role: str | None = None, **fields):
    user = get_user_model().objects.create_user(username=username or f"user{next(_counter)}", password="pw", **fields)
    if role:
        # get_or_create: transactional tests (live server, threads) flush the groups the migration made.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_article(*, title: str | None = None, body_html: str = BODY_HTML, **fields) -> Article:
    data = ArticleInput(title=title or f"Article {next(_counter)}", body_html=body_html, **fields)
    return services.import_article(data).article


def make_claim(article: Article | None = None, *, exact: str = "the bridge cost 4 million euros", **fields) -> Claim:
    article = article or make_article()
    start = article.body_text.index(exact)
    user = fields.pop("created_by", None) or make_user()
    defaults = {
        "start": start,
        "end": start + len(exact),
        "exact": exact,
        "verdict": Claim.Verdict.DISPUTED,
        "created_by": user,
        "updated_by": user,
    }
    return Claim.objects.create(article=article, **{**defaults, **fields})


def make_source(claim: Claim, **fields) -> Source:
    defaults = {
        "url": "https://example.org/budget",
        "title": "City budget 2024",
        "kind": Source.Kind.DATASET,
        "stance": Source.Stance.CONTRADICTS,
    }
    return Source.objects.create(claim=claim, **{**defaults, **fields})
