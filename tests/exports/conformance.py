"""Checks of our exports against independently written material in ../shared/conformance/ (read at test time).

- The W3C Web Annotation Data Model test suite (JSON Schema draft-04): `annotation_errors`, `collection_errors`
  and `page_errors` validate a document against every MUST-level schema its `*Musts.test` lists, with the `uri`
  and `date-time` formats really checked, plus the checks the schemas miss (see the README there).
- JSON-LD processing with pyld, offline: `expand` and `to_rdf` resolve the W3C and schema.org contexts from the
  local copies and refuse every other remote document.

Not a test module: the tests in this folder import it.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from pyld import jsonld
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"
SUITE = CONFORMANCE / "w3c-web-annotation-tests"
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SCHEMA_VOCABULARY = CONFORMANCE / "schemaorg" / "schemaorg-current-https.jsonld"

MUSTS = {
    "annotation": "annotations/annotationMusts.test",
    "collection": "collections/collectionMusts.test",
    "page": "collections/pages/pageMusts.test",
}


def require_material() -> Path:
    """The conformance folder; the test is skipped without it (a developer checkout), and fails on CI."""
    if not (SUITE / "definitions").is_dir():
        message = f"The conformance material is missing: expected {CONFORMANCE} (see its README)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CONFORMANCE


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# JSON Schema.

# Only these two formats, as the W3C harness checked (ajv): `uri` by rfc3986-validator, `date-time` by
# rfc3339-validator (jsonschema[format-nongpl]). A format whose checker library is missing would pass silently,
# so make sure both are really there.
FORMAT_CHECKER = FormatChecker(formats=["uri", "date-time"])
assert {"uri", "date-time"} <= set(FORMAT_CHECKER.checkers), "install jsonschema[format-nongpl]"


@functools.cache
def registry() -> Registry:
    """The 7 shared definitions, each under its bare `id` (`annotations.json`, ...), as the `$ref`s name them."""
    resources = []
    for path in sorted((require_material() / "w3c-web-annotation-tests" / "definitions").glob("*.json")):
        schema = load_json(path)
        resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    assert len(resources) == 7, f"expected the 7 definitions files, found {[uri for uri, _ in resources]}"
    return Registry().with_resources(resources)


@functools.cache
def assertions(kind: str) -> tuple[tuple[str, dict[str, Any], Draft4Validator], ...]:
    """(path from the suite root, schema, validator) for every assertion the `*Musts.test` of `kind` lists."""
    manifest_path = require_material() / "w3c-web-annotation-tests" / MUSTS[kind]
    found = []
    for entry in load_json(manifest_path)["assertions"]:
        # A path with no "/" is relative to the manifest's folder; the others to the suite root.
        path = (SUITE / entry) if "/" in entry else (manifest_path.parent / entry)
        schema = load_json(path)
        Draft4Validator.check_schema(schema)
        validator = Draft4Validator(schema, registry=registry(), format_checker=FORMAT_CHECKER)
        found.append((entry, schema, validator))
    return tuple(found)


def schema_errors(kind: str, document: Any) -> list[str]:
    """`file: message` for each assertion of `kind` the document fails (honouring `expectedResult`)."""
    failures = []
    for entry, schema, validator in assertions(kind):
        errors = list(validator.iter_errors(document))
        if schema.get("expectedResult", "valid") == "invalid":
            if not errors:
                failures.append(f"{entry}: expected invalid but the document passes ({schema.get('errorMessage')})")
            continue
        if errors:
            details = "; ".join(
                f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:200]}" for error in errors[:3]
            )
            failures.append(f"{entry}: {schema.get('errorMessage', '')} [{details}]")
    return failures


def context_errors(document: dict[str, Any], what: str) -> list[str]:
    """The schemas accept any @context that contains the W3C one; the model wants exactly that IRI."""
    if document.get("@context") != ANNO_CONTEXT:
        return [f"{what}: @context must be exactly {ANNO_CONTEXT!r}, not {document.get('@context')!r}"]
    return []


def selector_errors(annotation: dict[str, Any]) -> list[str]:
    """TextPositionSelectors with `end` before `start` (which no schema detects), in targets and bodies."""
    failures = []
    for part in ("target", "body"):
        for index, resource in enumerate(as_list(annotation.get(part))):
            if not isinstance(resource, dict):
                continue
            for selector in as_list(resource.get("selector")):
                if isinstance(selector, dict) and selector.get("type") == "TextPositionSelector":
                    start, end = selector.get("start"), selector.get("end")
                    if isinstance(start, int) and isinstance(end, int) and end < start:
                        failures.append(f"{part}[{index}]: TextPositionSelector end {end} < start {start}")
    return failures


def annotation_errors(document: Any, *, embedded: bool = False) -> list[str]:
    """Everything wrong with a top-level annotation (or, `embedded`, one taken from a page's items)."""
    if not isinstance(document, dict):
        return ["an annotation is a JSON object"]
    failures = []
    if embedded:
        if "@context" in document:
            failures.append("an annotation embedded in a page carries no @context of its own")
        # The schemas test the context of a top-level document: check the rest with the page's context.
        document = {"@context": ANNO_CONTEXT, **document}
    else:
        failures += context_errors(document, "annotation")
    return failures + schema_errors("annotation", document) + selector_errors(document)


def collection_errors(document: Any) -> list[str]:
    """Everything wrong with an AnnotationCollection, and its embedded first page and annotations if any."""
    if not isinstance(document, dict):
        return ["a collection is a JSON object"]
    failures = context_errors(document, "collection") + schema_errors("collection", document)
    first = document.get("first")
    if isinstance(first, dict):
        # An embedded page: the page schemas accept a collection whose `first` holds the items.
        if "@context" in first:
            failures.append("the embedded first page carries no @context of its own")
        failures += schema_errors("page", document)
        failures += items_errors(first)
    return failures


def page_errors(document: Any) -> list[str]:
    """Everything wrong with a top-level AnnotationPage, and each annotation in its items."""
    if not isinstance(document, dict):
        return ["a page is a JSON object"]
    return context_errors(document, "page") + schema_errors("page", document) + items_errors(document)


def items_errors(page: dict[str, Any]) -> list[str]:
    failures = []
    for index, item in enumerate(as_list(page.get("items"))):
        if isinstance(item, dict):
            failures += [f"items[{index}] {error}" for error in annotation_errors(item, embedded=True)]
    return failures


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# JSON-LD, offline.

LOCAL_DOCUMENTS = {
    ANNO_CONTEXT: ("w3c-annotation-vocab", "tools", "anno.jsonld"),
    "https://schema.org": ("schemaorg", "schemaorgcontext.jsonld"),
    "http://schema.org": ("schemaorg", "schemaorgcontext.jsonld"),
    "https://schema.org/": ("schemaorg", "schemaorgcontext.jsonld"),
    "http://schema.org/": ("schemaorg", "schemaorgcontext.jsonld"),
}


class RemoteDocumentRefused(Exception):
    """pyld asked for a document we have no local copy of: the test would otherwise go to the network."""


@functools.cache
def _local_document(url: str) -> Any:
    return load_json(require_material().joinpath(*LOCAL_DOCUMENTS[url]))


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url not in LOCAL_DOCUMENTS:
        raise RemoteDocumentRefused(f"no local copy of {url!r}; the tests never fetch from the network")
    return {"contextUrl": None, "documentUrl": url, "document": _local_document(url)}


def expand(document: Any) -> list[dict[str, Any]]:
    return jsonld.expand(document, {"documentLoader": offline_loader})


def to_rdf(document: Any) -> str:
    """The document as N-Quads."""
    return jsonld.to_rdf(document, {"documentLoader": offline_loader, "format": "application/n-quads"})
