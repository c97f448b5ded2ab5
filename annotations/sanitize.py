"""HTML cleaning policies. Every call to bleach lives in this module.

bleach 6.4.0 is pinned (it fixes GHSA-8rfp-98v4-mmr6 and GHSA-gj48-438w-jh9v) and is no longer
maintained; the property tests in tests/test_sanitize.py are what a replacement (nh3) must pass.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter

from annotations import text

ARTICLE_TAGS = frozenset(
    {
        "p", "br", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
        "q", "cite", "abbr", "code", "blockquote",
        "ul", "ol", "li", "dl", "dt", "dd",
        "figure", "figcaption",
        "a",
    }
)  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "ol": ["start"],
}
LINK_REL = "noopener nofollow noreferrer"

# Elements whose content is not article text: removed with everything inside them, where bleach on
# its own would keep their text (a <script> body would show up as words in the article).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed",
        "applet", "form", "button", "select", "textarea", "option", "svg", "math", "head", "title",
        "noembed", "noframes", "xmp", "plaintext", "audio", "video", "canvas", "map",
    }
)  # fmt: skip

# C0 controls other than tab and newline, DEL, and lone surrogates: none is article text, NUL is
# refused by PostgreSQL, and a lone surrogate cannot be encoded to UTF-8.
_UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def normalize_text(value: str) -> str:
    """Line endings as a browser's parser makes them, and no control characters or lone surrogates."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE_CHARACTERS.sub("", value)


def is_web_url(value: str) -> bool:
    """True for an absolute http or https URL with a host."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


class _ArticleLinkFilter(Filter):
    """Keep only links to absolute http(s) URLs and mark them rel="noopener nofollow noreferrer".

    A link to "#", a relative path or any other scheme would be dead or unsafe in an article shown
    inside our tool, so the <a> is unwrapped and its text kept; a `cite` URL of that kind is dropped.
    """

    def __iter__(self):
        kept = []
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"}:
                attrs = dict(token["data"])
                cite = attrs.get((None, "cite"))
                if cite is not None and not is_web_url(cite.strip()):
                    del attrs[(None, "cite")]
                if token["name"] == "a":
                    href = attrs.get((None, "href"), "").strip()
                    kept.append(is_web_url(href))
                    if not kept[-1]:
                        continue
                    attrs[(None, "href")] = href
                    attrs[(None, "rel")] = LINK_REL
                token["data"] = attrs
            elif token["type"] == "EndTag" and token["name"] == "a" and not (kept.pop() if kept else False):
                continue
            yield token


_article_cleaner = bleach.Cleaner(
    tags=ARTICLE_TAGS,
    attributes=ARTICLE_ATTRIBUTES,
    protocols={"http", "https"},
    strip=True,
    strip_comments=True,
    filters=[_ArticleLinkFilter],
)


def _drop_elements_with_content(html: str) -> str:
    fragment = text.parse_fragment(html)
    _prune(fragment)
    return text.serialize_children(fragment)


def _prune(element) -> None:
    for child in list(element):
        # Foreign elements (svg, math) keep their namespace in the tag: "{http://...}svg".
        if isinstance(child.tag, str) and child.tag.rpartition("}")[2].lower() in DROPPED_WITH_CONTENT:
            text.remove_element(element, child)
        else:
            _prune(child)


def clean_article_html(html: str) -> str:
    """Sanitize an article body: the structure of a news story, links to http(s) only, nothing active."""
    html = normalize_text(html)
    return _article_cleaner.clean(_drop_elements_with_content(html))


def clean_plain_text(value: str) -> str:
    """Short user text (notes, speakers, source titles): kept as typed, minus control characters.

    It is plain text, never markup: templates and exports escape it wherever it is shown.
    """
    return normalize_text(value)
