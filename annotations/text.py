"""Plain text of article HTML, exactly as a browser's `textContent` computes it.

Offsets of claims count code points of this text, so it must match what the browser shows:
every text node of the fragment in document order, whitespace between elements included, comments
excluded. The fragment is parsed with html5lib, an implementation of the WHATWG HTML parsing
algorithm, in the same <div> context the article page renders it in.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

import html5lib
from html5lib.serializer import HTMLSerializer


def parse_fragment(html: str) -> Element:
    """Parse an HTML fragment as `div.innerHTML = html` would."""
    return html5lib.parseFragment(html, container="div", treebuilder="etree", namespaceHTMLElements=False)


def text_of(html: str) -> str:
    """The `textContent` of a <div> whose innerHTML is `html`."""
    return "".join(_text_nodes(parse_fragment(html)))


def _text_nodes(element: Element) -> Iterator[str]:
    # Comments and processing instructions have a non-string tag; their own text is not content,
    # but the text after them (their tail) is.
    if isinstance(element.tag, str) and element.text:
        yield element.text
    for child in element:
        yield from _text_nodes(child)
        if child.tail:
            yield child.tail


def serialize_children(element: Element) -> str:
    """The HTML inside an element (its innerHTML), as html5lib's serializer writes it."""
    walker = html5lib.getTreeWalker("etree")
    serializer = HTMLSerializer(omit_optional_tags=False, quote_attr_values="always")
    parts = [html.escape(element.text, quote=False)] if element.text and isinstance(element.tag, str) else []
    for child in element:
        # The walker renders an element without its tail, the text that follows it.
        tail, child.tail = child.tail, None
        parts.append(serializer.render(walker(child)))
        child.tail = tail
        if tail:
            parts.append(html.escape(tail, quote=False))
    return "".join(parts)


def remove_element(parent: Element, child: Element) -> None:
    """Remove `child` and everything in it from `parent`, keeping the text that follows it."""
    children = list(parent)
    index = children.index(child)
    if child.tail:
        if index == 0:
            parent.text = (parent.text or "") + child.tail
        else:
            previous = children[index - 1]
            previous.tail = (previous.tail or "") + child.tail
    parent.remove(child)


def title_from_text(body_text: str, limit: int = 80) -> str:
    """The first sentence of a text, cut at a word boundary when longer than `limit`."""
    first = re.split(r"(?<=[.!?])\s", body_text.strip(), maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first
    return first[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—- ") + "…"


def text_hash(body_text: str) -> str:
    """SHA-256 of the text, so a client can tell cheaply whether the text it holds is current."""
    return hashlib.sha256(body_text.encode("utf-8")).hexdigest()


_SENTENCE_END = re.compile(r"[.!?\u2026][\u201d\u2019\"')\]]*\s|\n")  # closing quotes may follow the stop


def sentence_around(text: str, start: int, end: int, limit: int = 240) -> tuple[str, str, str]:
    """The quote text[start:end] in its sentence: (the words before it, the quote, the words after it)."""
    before_start = max(0, start - limit)
    ends_before = [match.end() for match in _SENTENCE_END.finditer(text, before_start, start)]
    sentence_start = ends_before[-1] if ends_before else before_start
    following = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    sentence_end = following.end() if following else min(len(text), end + limit)
    return text[sentence_start:start], text[start:end], text[end:sentence_end].rstrip()
