"""The article HTML policy: structure kept, anything active or unsafe removed, and stable."""

import pytest
from hypothesis import given

from annotations import text
from annotations.sanitize import LINK_REL, clean_article_html, clean_plain_text
from tests.html_strategies import DANGEROUS_URLS, SAFE_URLS, hostile_documents

ACTIVE_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "img",
    "svg",
    "math",
    "template",
    "base",
}


def _elements(html: str):
    return [element for element in text.parse_fragment(html).iter() if isinstance(element.tag, str)]


@given(hostile_documents)
def test_sanitizing_twice_changes_nothing(html):
    once = clean_article_html(html)
    assert clean_article_html(once) == once


@given(hostile_documents)
def test_no_active_element_event_handler_or_unsafe_url_survives(html):
    cleaned = clean_article_html(html)
    for element in _elements(cleaned)[1:]:
        assert element.tag.rpartition("}")[2] not in ACTIVE_TAGS
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on")
            assert name not in {"style", "src", "formaction", "action"}
            if name in {"href", "cite"}:
                assert value.lower().startswith(("http://", "https://")), value


@given(hostile_documents)
def test_every_link_is_absolute_web_url_with_safe_rel(html):
    for element in _elements(clean_article_html(html)):
        if element.tag == "a":
            assert element.get("href", "").lower().startswith(("http://", "https://"))
            assert element.get("rel") == LINK_REL


@pytest.mark.parametrize("url", DANGEROUS_URLS)
def test_unsafe_or_dead_link_is_unwrapped_and_its_text_kept(url):
    cleaned = clean_article_html(f'<p>See <a href="{url}">the report</a>.</p>')
    assert cleaned == "<p>See the report.</p>"


@pytest.mark.parametrize("url", SAFE_URLS)
def test_web_link_is_kept_with_noopener_nofollow_noreferrer(url):
    cleaned = clean_article_html(f'<a href="{url}" target="_blank">x</a>')
    element = _elements(cleaned)[1]
    assert element.get("href") == url
    assert element.get("rel") == "noopener nofollow noreferrer"
    assert "target" not in element.attrib


def test_script_and_style_are_removed_with_their_content():
    cleaned = clean_article_html("<p>Before</p><script>alert('x')</script><style>p{}</style><p>after</p>")
    assert cleaned == "<p>Before</p><p>after</p>"


def test_article_structure_is_kept():
    html = (
        "<h2>Heading</h2><p>A <strong>bold</strong> and <em>em</em> claim.</p>"
        "<blockquote><p>Quote</p></blockquote><ul><li>one</li></ul>"
        "<figure><figcaption>Caption</figcaption></figure>"
    )
    assert clean_article_html(html) == html


def test_event_handlers_and_iframes_are_dropped():
    cleaned = clean_article_html('<p onclick="steal()">Text<iframe src="https://x.example"></iframe></p>')
    assert cleaned == "<p>Text</p>"


def test_nul_and_control_characters_are_removed():
    assert clean_article_html("<p>a\x00b\x07c</p>") == "<p>abc</p>"


def test_windows_line_endings_become_newlines():
    assert clean_article_html("<p>a</p>\r\n<p>b</p>\r") == "<p>a</p>\n<p>b</p>\n"


def test_plain_text_keeps_markup_characters_as_text_but_drops_controls():
    assert clean_plain_text("<b>Kobzev</b>\x00 \ud800") == "<b>Kobzev</b> "
