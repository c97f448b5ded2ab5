"""Hypothesis strategies for hostile and ordinary HTML, shared by the sanitizer and text tests."""

from __future__ import annotations

from hypothesis import strategies as st

TAGS = [
    "p", "a", "b", "em", "strong", "i", "br", "h2", "ul", "li", "blockquote", "figure", "figcaption",
    "script", "style", "iframe", "img", "svg", "math", "form", "input", "object", "embed", "template",
    "div", "span", "table", "td", "textarea", "title", "noscript", "pre", "select", "option", "base", "meta",
]  # fmt: skip
ATTRIBUTES = ["href", "src", "onclick", "onerror", "onload", "style", "formaction", "action", "title", "class", "cite"]
DANGEROUS_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)", "&#106;avascript:alert(1)", "javascript&colon;alert(1)", "java\u200bscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)", "VBScript:msgbox(1)", "ftp://example.org/x", "#", "/relative", "//evil.example/x",
]  # fmt: skip
SAFE_URLS = ["https://example.org/a?b=1&c=2", "http://example.org/", "HTTPS://EXAMPLE.ORG/caps"]
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("<>&\"' \n\t;=/"),
    max_size=12,
)


def _attribute() -> st.SearchStrategy[str]:
    value = st.sampled_from(DANGEROUS_URLS + SAFE_URLS) | TEXT
    quote = st.sampled_from(['"', "'", ""])
    return st.builds(lambda name, v, q: f" {name}={q}{v}{q}", st.sampled_from(ATTRIBUTES), value, quote)


@st.composite
def _element(draw, children: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(TAGS))
    attributes = "".join(draw(st.lists(_attribute(), max_size=3)))
    inner = "".join(draw(st.lists(children, max_size=3)))
    closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>"]))
    return f"<{tag}{attributes}>{inner}{closing}"


hostile_html = st.recursive(
    TEXT | st.sampled_from(["<!-- c -->", "&amp;", "&lt;script&gt;", "&#0;", "<", "</p>", "<![CDATA[x]]>", "\x00"]),
    lambda children: _element(children),
    max_leaves=12,
).map(str)
hostile_documents = st.lists(hostile_html, max_size=6).map("".join)
