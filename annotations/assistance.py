"""Help for the editor, as the API hands it out: sentences worth checking (annotations/suggest.py), who likely said
a span (annotations/speakers.py), and the same claim in other articles or among earlier claims
(annotations/similar.py), as plain JSON-ready dicts with the evidence quoted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings

from annotations import similar, speakers, suggest
from annotations.models import Article, Claim

# How far the cross-article search looks: the newest articles and claims. Enough for a newsroom's recent work;
# a search index would be needed beyond (docs/api.md says so).
ARTICLES_SEARCHED = 500
CLAIMS_SEARCHED = 5_000


def suggestions(
    body_text: str, *, claimed: Iterable[tuple[int, int]] = (), dismissed: Mapping[tuple[int, int], dict] | None = None
) -> list[dict]:
    """The sentences of the text worth checking, in order, except those overlapping a claim already marked; each
    dismissed one (`dismissed`: by span, who and when) says so."""
    taken = sorted(claimed)
    dismissed = dismissed or {}
    return [
        {
            "start": found.start,
            "end": found.end,
            "exact": body_text[found.start : found.end],
            "score": found.score,
            "kinds": list(found.kinds),
            "reasons": list(found.reasons),
            "speaker": speaker(body_text, found.start, found.end),
            "dismissed": dismissed.get((found.start, found.end)),
        }
        for found in suggest.suggest_claims(body_text)
        if not any(start < found.end and found.start < end for start, end in taken)
    ]


def speaker(body_text: str, start: int, end: int) -> dict | None:
    guess = speakers.guess_speaker(body_text, start, end)
    if guess is None:
        return None
    return {
        "name": guess.name,
        "score": guess.score,
        "rule": guess.rule,
        "reason": guess.reason,
        "evidence": {
            "start": guess.evidence_start,
            "end": guess.evidence_end,
            "exact": body_text[guess.evidence_start : guess.evidence_end],
        },
    }


def also_appears(claim: Claim, claims) -> list[dict]:
    """Passages of other articles that state what `claim` states, best first, each with the claim (if any) that
    already marks it there: `claims` are the claims the user can see."""
    articles = list(
        Article.objects.exclude(pk=claim.article_id)
        .order_by("-pk")
        .values_list("pk", "body_text", "title", "slug")[:ARTICLES_SEARCHED]
    )
    found = similar.passages_like(
        claim_context(claim), [(pk, text) for pk, text, *_ in articles], meaning=meaning_model()
    )
    about = {pk: (text, title, slug) for pk, text, title, slug in articles}
    marked = list(
        claims.filter(article_id__in={match.article for match in found}).values_list(
            "article_id", "start", "end", "pk", "verdict", "same_as_id"
        )
    )
    root = claim.same_as_id or claim.pk
    passages = []
    for match in found:
        text, title, slug = about[match.article]
        there = [row for row in marked if row[0] == match.article and row[1] < match.end and match.start < row[2]]
        passages.append(
            {
                "article": {"id": match.article, "title": title, "slug": slug},
                "start": match.start,
                "end": match.end,
                "exact": text[match.start : match.end],
                "score": match.score,
                "shared": list(match.shared),
                "meaning": match.meaning,
                "reason": match.reason,
                "claims": [
                    {"id": pk, "verdict": verdict, "linked": (same_as or pk) == root}
                    for _, _, _, pk, verdict, same_as in there
                ],
            }
        )
    return passages


def meaning_model() -> similar.Meaning | None:
    """The optional model's similarity in meaning when FACTCHECK_SIMILARITY=meaning (annotations/meaning.py)."""
    if settings.SIMILARITY != "meaning":
        return None
    from annotations import meaning

    return meaning.similarity


def claim_context(claim: Claim) -> str:
    """The claim's words with the rest of their sentence: a short quote alone shares too few words to be recognised
    in another article's wording."""
    text = claim.article.body_text
    around = [span for span in suggest.sentences(text) if span.start < claim.end and claim.start < span.end]
    if not around:
        return claim.exact
    return text[min(span.start for span in around) : max(span.end for span in around)]


def claims_like(text: str, claims) -> list[dict]:
    """Earlier claims (among `claims`, the newest first) that state what `text` states, with their verdicts."""
    recent = list(claims.order_by("-pk").values_list("pk", "exact")[:CLAIMS_SEARCHED])
    found = similar.claims_like(text, recent, meaning=meaning_model())
    rows = claims.in_bulk([match.claim for match in found])
    return [
        {
            "id": match.claim,
            "article": rows[match.claim].article_id,
            "exact": rows[match.claim].exact,
            "verdict": rows[match.claim].verdict,
            "review_state": rows[match.claim].review_state,
            "speaker": rows[match.claim].speaker,
            "score": match.score,
            "shared": list(match.shared),
            "meaning": match.meaning,
            "reason": match.reason,
        }
        for match in found
    ]
