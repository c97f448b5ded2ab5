"""Every state change of the domain. Views, commands and the admin call these; nothing else writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from annotations import sanitize, text
from annotations.ingest import ArticleInput
from annotations.models import Article


class DomainError(Exception):
    """A refused action, with a message for the user and a code the API maps to a status."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True)
class ImportOutcome:
    article: Article
    action: str  # "created", "updated" or "unchanged"
    changed_fields: tuple[str, ...] = ()


def slug_for(title: str) -> str:
    return slugify(title)[:180].strip("-") or "article"


def unique_slug(title: str) -> str:
    base = slug_for(title)
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _article_fields(data: ArticleInput) -> dict[str, object]:
    """The sanitized fields of an article; metadata the input does not state is left out."""
    body_html = sanitize.clean_article_html(data.body_html)
    body_text = text.text_of(body_html)
    if not body_text.strip():
        raise DomainError("The article has no text.", field="body_html")
    if data.source_url and not sanitize.is_web_url(data.source_url):
        raise DomainError(
            f"The original URL must be an http or https address: {data.source_url!r}.", field="source_url"
        )
    stated = {
        "title": sanitize.clean_plain_text(data.title).strip()[:300],
        "byline": sanitize.clean_plain_text(data.byline).strip()[:300],
        "publisher": sanitize.clean_plain_text(data.publisher).strip()[:200],
        "published_on": data.published_on,
        "source_url": data.source_url,
    }
    return {**{name: value for name, value in stated.items() if value}, "body_html": body_html, "body_text": body_text}


def import_article(data: ArticleInput) -> ImportOutcome:
    """Create an article, or update the same one: same original URL, else same text, else same slug.

    Importing the same file twice changes nothing, and metadata the file does not state (a publisher
    given on an earlier import, a title set by hand) is kept. A new text for an article that already
    has claims is refused: those claims must be re-anchored, which is what revising an article does.
    """
    fields = _article_fields(data)
    with transaction.atomic():
        existing = _find_existing(data, fields)
        if existing is None:
            fields.setdefault("title", text.title_from_text(str(fields["body_text"])))
            slug = data.slug or unique_slug(str(fields["title"]))
            article = Article.objects.create(slug=slug, **fields)
            return ImportOutcome(article, "created")
        changed = tuple(name for name, value in fields.items() if getattr(existing, name) != value)
        if not changed:
            return ImportOutcome(existing, "unchanged")
        if "body_html" in changed and existing.claims.exists():
            raise DomainError(
                f"“{existing.title}” has claims and its text changed: revise the article so its claims are "
                "re-anchored instead of re-importing it.",
                code="conflict",
                field="body_html",
            )
        for name in changed:
            setattr(existing, name, fields[name])
        existing.save()
        return ImportOutcome(existing, "updated", changed)


def _find_existing(data: ArticleInput, fields: dict[str, object]) -> Article | None:
    articles = Article.objects.select_for_update()
    if fields.get("source_url"):
        return articles.filter(source_url=fields["source_url"]).first()
    unlinked = articles.filter(source_url="")
    if data.slug:
        return unlinked.filter(slug=data.slug).first()
    same_text = unlinked.filter(body_html=fields["body_html"]).first()
    if same_text is not None or "title" not in fields:
        return same_text
    return unlinked.filter(slug=slug_for(str(fields["title"]))).first()
