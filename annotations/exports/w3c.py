"""Claims as W3C Web Annotations (https://www.w3.org/TR/annotation-model/), and annotations read back.

A claim is an Annotation with motivation `assessing`. Its bodies:

- the verdict: a TextualBody with purpose `tagging` and the verdict as value (`verified`, ...);
- the speaker (`identifying`), the summary (`describing`) and the note (`commenting`): TextualBodies;
- each source: a SpecificResource with purpose `linking` whose `source` is the web page (with
  `schema:name` and `schema:publisher`), its quoted passage as a TextQuoteSelector, when it was read and
  its archived copy as a TimeState (`sourceDate`, `cached`; an undated copy as `schema:archivedAt` on the
  page), and the stance and kind under our own
  vocabulary (VOCAB + "stance", VOCAB + "kind"), since the model has no term for them.

The target's `source` is the article's canonical URL, with a TextQuoteSelector and a TextPositionSelector
(code points, as the model says). URLs go out as URIs (non-ASCII percent-encoded) and come back as
the IRIs editors typed. An orphan keeps its last quote, loses the position that no longer
holds, and is marked by VOCAB + "anchorState" on the target. docs/api.md documents the mapping.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.encoding import iri_to_uri, uri_to_iri

from annotations.exports.records import ArticleRecord, ClaimRecord, Site, SourceRecord, iso

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
LDP_CONTEXT = "http://www.w3.org/ns/ldp.jsonld"
PROFILE_MEDIA_TYPE = f'application/ld+json; profile="{CONTEXT}"'
# Terms the model lacks (stance, kind, anchor state, review state), as full IRIs: the @context stays
# exactly the W3C one, and JSON-LD processors keep them.
VOCAB = "https://w3id.org/factcheck/ns#"
STANCE, KIND, ANCHOR_STATE, REVIEW_STATE = (VOCAB + name for name in ("stance", "kind", "anchorState", "reviewState"))
SAME_CLAIM_AS = VOCAB + "sameClaimAs"  # the annotation of the same claim in another article

VERDICTS = ("attributed", "disputed", "verified")
# The REST API's limits (api/serializers.py), so that a claim made here can be saved there too.
MAX_BODIES = 54
TEXT_LIMITS = {"note": 20_000, "summary": 200, "speaker": 200}
QUOTE_LIMIT = 20_000
TEXT_PURPOSES = {"identifying": "speaker", "describing": "summary", "commenting": "note"}


# What iri_to_uri leaves as it is: most URLs are plain ASCII and need no work (a third of an export's time).
_PLAIN_URI = re.compile(r"[A-Za-z0-9\-._~/#%\[\]=:;$&()+,!?*@']*")


def as_uri(iri: str) -> str:
    """The IRI as a URI (RFC 3987 3.1: non-ASCII and unsafe characters percent-encoded)."""
    return iri if _PLAIN_URI.fullmatch(iri) else iri_to_uri(iri)


def annotation(claim: ClaimRecord, article: ArticleRecord, site: Site, *, embedded: bool = False) -> dict[str, Any]:
    """One claim as an Annotation; `embedded` leaves out the @context (inside a page)."""
    iri = site.annotation(claim.id)
    # The username only, as the REST API shows it: staff members' full names are not published.
    creator: dict[str, Any] = {"type": "Person", "nickname": claim.created_by}
    document: dict[str, Any] = {} if embedded else {"@context": CONTEXT}
    document |= {
        "id": iri,
        "type": "Annotation",
        "motivation": "assessing",
        "created": iso(claim.created_at),
        "modified": iso(claim.updated_at),
        "creator": creator,
        "generator": {"id": site.base_url + "/", "type": "Software", "name": "Factcheck"},
        "canonical": claim.canonical or iri,  # kept exactly as given (services.is_absolute_iri)
        REVIEW_STATE: claim.review_state,
        "body": bodies(claim),
        "target": target(claim, article, site),
    }
    if claim.same_as:
        document[SAME_CLAIM_AS] = site.annotation(claim.same_as)
    return document


def bodies(claim: ClaimRecord) -> list[dict[str, Any]]:
    found = [{"type": "TextualBody", "purpose": "tagging", "value": claim.verdict}]
    for purpose, name in TEXT_PURPOSES.items():
        value = getattr(claim, name)
        if value:
            found.append({"type": "TextualBody", "purpose": purpose, "value": value})
    return found + [source_body(source) for source in claim.sources]


def source_body(source: SourceRecord) -> dict[str, Any]:
    page: dict[str, Any] = {"id": as_uri(source.url), "type": "Dataset" if source.kind == "dataset" else "Text"}
    if source.title:
        page["schema:name"] = source.title
    if source.publisher:
        page["schema:publisher"] = source.publisher
    if source.archived_url and not source.accessed_on:
        # A TimeState needs its date (model 4.3.1): an undated archived copy goes on the page itself.
        page["schema:archivedAt"] = as_uri(source.archived_url)
    body: dict[str, Any] = {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": page,
        STANCE: source.stance,
        KIND: source.kind,
    }
    if source.quoted_text:
        body["selector"] = {"type": "TextQuoteSelector", "exact": source.quoted_text}
    if source.accessed_on:
        state: dict[str, Any] = {"type": "TimeState", "sourceDate": f"{source.accessed_on.isoformat()}T00:00:00Z"}
        if source.archived_url:
            state["cached"] = as_uri(source.archived_url)
        body["state"] = state
    return body


def target(claim: ClaimRecord, article: ArticleRecord, site: Site) -> dict[str, Any]:
    quote = {"type": "TextQuoteSelector", "exact": claim.exact, "prefix": claim.prefix, "suffix": claim.suffix}
    if claim.anchor_state == "orphaned":
        # The offsets point at other words now: only the last known quote is worth passing on.
        selector: Any = quote
    else:
        selector = [quote, {"type": "TextPositionSelector", "start": claim.start, "end": claim.end}]
    return {"source": as_uri(site.article_url(article)), "selector": selector, ANCHOR_STATE: claim.anchor_state}


# Collections and pages (model section 5).


def collection(
    *, iri: str, label: str, total: int, first: str | dict[str, Any], last: str, container: bool = False
) -> dict[str, Any]:
    """An AnnotationCollection; `first` is a page's IRI or the page itself (embedded, without @context)."""
    if container:
        head: dict[str, Any] = {"@context": [CONTEXT, LDP_CONTEXT], "type": ["BasicContainer", "AnnotationCollection"]}
    else:
        head = {"@context": CONTEXT, "type": "AnnotationCollection"}
    document = {**head, "id": iri, "label": label, "total": total}
    if total:
        document |= {"last": last, "first": first}
    return document


def page(
    *,
    iri: str,
    collection_iri: str,
    total: int,
    start_index: int,
    items: list[Any],
    next_iri: str | None = None,
    prev_iri: str | None = None,
    embedded: bool = False,
) -> dict[str, Any]:
    document: dict[str, Any] = {} if embedded else {"@context": CONTEXT}
    document |= {
        "id": iri,
        "type": "AnnotationPage",
        "partOf": {"id": collection_iri, "total": total},
        "startIndex": start_index,
    }
    if next_iri:
        document["next"] = next_iri
    if prev_iri:
        document["prev"] = prev_iri
    document["items"] = items
    return document


# Reading annotations back (the protocol container's POST and PUT, and `import_annotations`).


class AnnotationError(ValueError):
    """An annotation we cannot turn into a claim; `field` is the JSON path of the offending part."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class AnnotationInput:
    """A W3C annotation read as a claim: where it points, and what it says."""

    target_url: str
    verdict: str
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    speaker: str = ""
    summary: str = ""
    note: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    id: str = ""
    canonical: str = ""

    @property
    def key(self) -> str:
        """The IRI that identifies the annotation across systems: its canonical, else its id."""
        return self.canonical or self.id


def read_annotation(data: Any) -> AnnotationInput:
    """Read a W3C annotation (JSON already parsed) as a claim, or say precisely what is wrong."""
    if not isinstance(data, dict):
        raise AnnotationError("An annotation is a JSON object.")
    if "Annotation" not in _as_list(data.get("type")):
        raise AnnotationError('An annotation has "type": "Annotation".', "type")
    found: dict[str, Any] = {"sources": []}
    if "bodyValue" in data:
        found["note"] = _string(data["bodyValue"], "bodyValue")
    bodies = _as_list(data.get("body"))
    if len(bodies) > MAX_BODIES:
        raise AnnotationError(f"At most {MAX_BODIES} bodies: a verdict, three texts and up to 50 sources.", "body")
    for index, body in enumerate(bodies):
        _read_body(body, f"body[{index}]", found)
    for name, limit in TEXT_LIMITS.items():
        if len(found.get(name, "")) > limit:
            raise AnnotationError(f"The {name} is longer than {limit:,} characters.", "body")
    if "verdict" not in found:
        raise AnnotationError(
            'A claim needs its verdict: a TextualBody with "purpose": "tagging" and "value" one of '
            + ", ".join(VERDICTS)
            + ".",
            "body",
        )
    targets = _as_list(data.get("target"))
    if len(targets) != 1:
        raise AnnotationError("An annotation of ours has exactly one target: a span of one article.", "target")
    found |= _read_target(targets[0])
    for name in ("id", "canonical"):
        if name in data:
            found[name] = _string(data[name], name)
    return AnnotationInput(**found)


def _read_body(body: Any, path: str, found: dict[str, Any]) -> None:
    if not isinstance(body, dict):
        raise AnnotationError("Each body must be an object: a TextualBody or a SpecificResource.", path)
    kinds = _as_list(body.get("type"))
    purposes = _as_list(body.get("purpose"))
    if not all(isinstance(purpose, str) for purpose in purposes):
        raise AnnotationError("A purpose is a word, such as tagging or commenting.", f"{path}.purpose")
    if not all(isinstance(kind, str) for kind in kinds):
        raise AnnotationError("A type is a word, such as TextualBody.", f"{path}.type")
    if "SpecificResource" in kinds:
        found["sources"].append(_read_source(body, path))
        return
    if "TextualBody" not in kinds and "value" not in body:
        raise AnnotationError("Only TextualBody and SpecificResource bodies can be read.", f"{path}.type")
    value = _string(body.get("value", ""), f"{path}.value")
    if "tagging" in purposes:
        if value not in VERDICTS:
            raise AnnotationError(f"The tag {value!r} is not a verdict: use one of {', '.join(VERDICTS)}.", path)
        _set_once(found, "verdict", value, path)
        return
    names = [TEXT_PURPOSES[purpose] for purpose in purposes if purpose in TEXT_PURPOSES]
    if not purposes:
        names = ["note"]  # a plain comment, as most annotation clients write it
    if len(names) != 1:
        raise AnnotationError(
            "A TextualBody's purpose must be one of tagging (the verdict), identifying (the speaker), "
            "describing (the summary) or commenting (the note).",
            f"{path}.purpose",
        )
    _set_once(found, names[0], value, path)


def _read_source(body: dict[str, Any], path: str) -> dict[str, Any]:
    page = body.get("source")
    if isinstance(page, str):
        page = {"id": page}
    if not isinstance(page, dict) or not isinstance(page.get("id"), str):
        raise AnnotationError("A source body needs its `source`: the page's URL.", f"{path}.source")
    stance = body.get(STANCE)
    if not isinstance(stance, str):
        raise AnnotationError(f"A source body needs its stance under {STANCE}.", f"{path}.{STANCE}")
    kind = body.get(KIND) or ("dataset" if "Dataset" in _as_list(page.get("type")) else "news_report")
    source: dict[str, Any] = {
        "url": uri_to_iri(page["id"]),
        "title": _string(page.get("schema:name", ""), f"{path}.source.schema:name"),
        "publisher": _string(page.get("schema:publisher", ""), f"{path}.source.schema:publisher"),
        "kind": _string(kind, f"{path}.{KIND}"),
        "stance": stance,
        "quoted_text": "",
        "accessed_on": None,
        "archived_url": "",
    }
    for selector in _as_list(body.get("selector")):
        if isinstance(selector, dict) and selector.get("type") == "TextQuoteSelector":
            source["quoted_text"] = _string(selector.get("exact", ""), f"{path}.selector.exact")
    if "schema:archivedAt" in page:
        source["archived_url"] = uri_to_iri(_string(page["schema:archivedAt"], f"{path}.source.schema:archivedAt"))
    for state in _as_list(body.get("state")):  # one TimeState, or several states of which one is
        if isinstance(state, dict) and "sourceDate" in state:
            source["accessed_on"] = _date(state["sourceDate"], f"{path}.state.sourceDate")
        if isinstance(state, dict) and "cached" in state:
            source["archived_url"] = uri_to_iri(_string(state["cached"], f"{path}.state.cached"))
    return source


def _read_target(given: Any) -> dict[str, Any]:
    if isinstance(given, str) or not isinstance(given, dict):
        raise AnnotationError(
            "The target must name the article (`source`) and the words: a TextQuoteSelector and/or "
            "a TextPositionSelector.",
            "target",
        )
    source = given.get("source")
    if isinstance(source, dict):
        source = source.get("id")
    if not isinstance(source, str) or not source:
        raise AnnotationError("The target's `source` must be the article's URL.", "target.source")
    found: dict[str, Any] = {"target_url": uri_to_iri(source)}
    for index, selector in enumerate(_as_list(given.get("selector"))):
        path = f"target.selector[{index}]"
        kind = selector.get("type") if isinstance(selector, dict) else None
        if kind == "TextQuoteSelector":
            found["exact"] = _string(selector.get("exact"), f"{path}.exact")
            if len(found["exact"]) > QUOTE_LIMIT:
                raise AnnotationError(f"A quote of at most {QUOTE_LIMIT:,} characters.", f"{path}.exact")
            found["prefix"] = _string(selector.get("prefix", ""), f"{path}.prefix")
            found["suffix"] = _string(selector.get("suffix", ""), f"{path}.suffix")
        elif kind == "TextPositionSelector":
            found["start"] = _offset(selector.get("start"), f"{path}.start")
            found["end"] = _offset(selector.get("end"), f"{path}.end")
    if "exact" not in found and "start" not in found:
        raise AnnotationError("The target needs a TextQuoteSelector or a TextPositionSelector.", "target.selector")
    return found


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise AnnotationError("Must be a string.", path)
    return value


def _offset(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
        raise AnnotationError("Must be a whole number of characters, 0 or more.", path)
    return value


def _date(value: Any, path: str) -> datetime.date:
    try:
        return datetime.datetime.fromisoformat(_string(value, path)).date()
    except ValueError:
        raise AnnotationError("Must be an ISO 8601 date-time.", path) from None


def _set_once(found: dict[str, Any], name: str, value: str, path: str) -> None:
    if name in found:
        raise AnnotationError(f"The annotation gives its {name} twice.", path)
    found[name] = value
