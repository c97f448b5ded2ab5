"""body_text is the textContent of body_html: every text node in document order, nothing else."""

import html

from hypothesis import given
from hypothesis import strategies as st

from annotations.text import text_of, title_from_text

# Text a browser keeps as is: no NUL (dropped by the parser) and no CR (turned into LF).
PLAIN = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00\r"))
INLINE = ["b", "em", "strong", "a", "cite", "small", "q", "code", "mark"]
BLOCK = ["p", "blockquote", "figure", "figcaption", "h2", "ul", "li"]


@st.composite
def trees(draw, depth: int = 0):
    """A tree of elements and text as (html, text): the text is what textContent must give."""
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(st.sampled_from(INLINE if depth else INLINE + BLOCK))
            inner_html, inner_text = draw(trees(depth + 1))
            parts.append((f"<{tag}>{inner_html}</{tag}>", inner_text))
        elif draw(st.booleans()):
            parts.append(("<!-- a comment -->", ""))
        else:
            leaf = draw(PLAIN)
            parts.append((html.escape(leaf, quote=False), leaf))
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)


@given(PLAIN)
def test_text_of_escaped_text_is_the_text(value):
    assert text_of(html.escape(value)) == value


@given(trees())
def test_text_of_is_every_text_node_in_document_order(tree):
    markup, expected = tree
    assert text_of(markup) == expected


@given(trees(), trees())
def test_text_of_concatenated_fragments_is_concatenated_text(first, second):
    assert text_of(first[0] + second[0]) == first[1] + second[1]


def test_whitespace_between_paragraphs_is_kept():
    assert text_of("<p>One.</p>\n<p>Two.</p>") == "One.\nTwo."


def test_entities_are_decoded():
    assert text_of("<p>Fish &amp; chips&nbsp;&lt;3&#x1F44D;</p>") == "Fish & chips\xa0<3👍"


def test_comments_are_not_text_but_the_text_after_them_is():
    assert text_of("a<!-- hidden -->b") == "ab"


def test_astral_characters_count_as_one_code_point():
    body = text_of("<p>𝕏 said 👍🏽 twice</p>")
    assert body.index("said") == 2


def test_title_from_text_takes_the_first_sentence():
    assert title_from_text("Short one. Then more.") == "Short one."


def test_title_from_text_cuts_a_long_sentence_at_a_word():
    title = title_from_text("word " * 40)
    assert len(title) <= 80
    assert title.endswith("word…")


def test_sentence_around_a_quote_stops_at_sentence_ends_and_closing_quotes():
    from annotations.text import sentence_around

    text = "First one. He said “the bridge cost 4 million euros.” Then more.\nNext paragraph."
    start = text.index("the bridge")
    assert sentence_around(text, start, start + 15) == ("He said “", "the bridge cost", " 4 million euros.”")
