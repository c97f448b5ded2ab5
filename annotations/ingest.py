"""Read article files into `ArticleInput`s. Pure: a file's name and text in, an article or an error out.

Formats, chosen by extension:
- `.txt` and `.md`: the seed format, Markdown with newsroom conventions:
  `# Title`, then optional lines for the date (`September 13, 2021`) and byline (`By ...`), paragraphs,
  a photo caption (the first paragraph when it ends in a credit link, `... [navalny / Instagram](#)`),
  `**Related article:** [Title](#)` promos, `[text](#)` placeholder links (kept as text, never as dead
  links), and a trailing `Original url: <https://...>`.
- `.html` / `.htm`: the document's <article> (or <body>); the title from its first <h1> or <title>.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown

from annotations import sanitize, text

SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}

_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%Y-%m-%d")
_ORIGINAL_URL = re.compile(r"^original\s+url:\s*<?(?P<url>\S*?)>?\s*$", re.IGNORECASE)
_BARE_URL = re.compile(r"^<?(?P<url>https?://\S+?)>?$", re.IGNORECASE)
_CAPTION = re.compile(r"^(?P<caption>.+?)\s*\[(?P<credit>[^\]]+)\]\(#?\)$", re.DOTALL)
_RELATED = re.compile(r"^\*\*(?P<label>Related articles?:)\*\*\s*(?P<links>.+)$", re.IGNORECASE | re.DOTALL)
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<url>[^)]*)\)")
_BYLINE = re.compile(r"^by\s+\S.{0,100}$", re.IGNORECASE)


@dataclass(frozen=True)
class ArticleInput:
    """An article as read from a file or a form, before sanitizing."""

    title: str
    body_html: str
    byline: str = ""
    publisher: str = ""
    published_on: datetime.date | None = None
    source_url: str = ""
    slug: str = ""


class IngestError(ValueError):
    """A file that cannot become an article; the message says why."""


def read_article_file(path: Path, *, title: str = "", publisher: str = "") -> ArticleInput:
    """Read one file. `title` and `publisher` fill in what the file does not say; what neither says
    stays empty (an article without a stated title gets one from its first sentence when created)."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise IngestError(f"{path.name}: unsupported file type (use .txt, .md or .html).")
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(f"{path.name}: not UTF-8 text (byte {error.start}).") from None
    except OSError as error:
        raise IngestError(f"{path.name}: cannot be read ({error.strerror}).") from None
    if "\x00" in content:
        raise IngestError(f"{path.name}: contains NUL bytes; it is not a text file.")
    content = sanitize.normalize_text(content)
    if not content.strip():
        raise IngestError(f"{path.name}: the file is empty.")
    is_html = path.suffix.lower() in {".html", ".htm"}
    article = parse_html_document(content) if is_html else parse_seed_text(content)
    article = replace(article, title=title or article.title, publisher=publisher or article.publisher)
    if not text.text_of(sanitize.clean_article_html(article.body_html)).strip():
        raise IngestError(f"{path.name}: the file has no article text.")
    return article


def parse_seed_text(content: str) -> ArticleInput:
    lines = content.split("\n")
    title, published_on, byline, source_url = "", None, "", ""

    lines = _strip_blank_edges(lines)
    if lines and lines[0].startswith("# "):
        title = lines.pop(0)[2:].strip()
        lines = _strip_blank_edges(lines)
        published_on, lines = _take_header(lines, parse_date)
        byline_line, lines = _take_header(lines, lambda line: line if _BYLINE.match(line) else None)
        byline = byline_line[3:].strip() if byline_line else ""
        if published_on is None:  # the byline may come first
            published_on, lines = _take_header(lines, parse_date)

    source_url, lines = _take_original_url(lines)
    blocks = [block.strip() for block in re.split(r"\n\s*\n", "\n".join(lines)) if block.strip()]
    if not blocks:
        return ArticleInput(title=title, body_html="", published_on=published_on, source_url=source_url)
    parts = []
    for index, block in enumerate(blocks):
        caption = _CAPTION.match(block) if index == 0 and title else None
        related = _RELATED.match(block)
        if caption:
            parts.append(
                f"<figure><figcaption>{_inline(caption['caption'])} "
                f"<small>{html.escape(caption['credit'], quote=False)}</small></figcaption></figure>"
            )
        elif related:
            titles = ", ".join(f"<cite>{_inline(link['text'])}</cite>" for link in _LINK.finditer(related["links"]))
            parts.append(
                f"<p><strong>{html.escape(related['label'])}</strong> {titles or _inline(related['links'])}</p>"
            )
        else:
            parts.append(markdown.markdown(block))
    return ArticleInput(
        title=title, body_html="\n".join(parts), byline=byline, published_on=published_on, source_url=source_url
    )


def _inline(fragment: str) -> str:
    """Markdown inline markup of a fragment, without the paragraph around it."""
    rendered = markdown.markdown(fragment)
    return re.sub(r"^<p>|</p>$", "", rendered)


def _strip_blank_edges(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _take_header(lines: list[str], parse):
    """Take the first line when `parse` recognizes it; return its value and the remaining lines."""
    if lines:
        value = parse(lines[0].strip())
        if value is not None:
            return value, _strip_blank_edges(lines[1:])
    return None, lines


def _take_original_url(lines: list[str]) -> tuple[str, list[str]]:
    """Find `Original url:` (the URL on the same line or the next non-blank one) near the end."""
    for index in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        match = _ORIGINAL_URL.match(lines[index].strip())
        if not match:
            continue
        url = match["url"]
        if not url:
            following = [line.strip() for line in lines[index + 1 :] if line.strip()]
            bare = _BARE_URL.match(following[0]) if following else None
            url = bare["url"] if bare else ""
        if url and not sanitize.is_web_url(url):
            raise IngestError(f"the original URL is not an http(s) address: {url!r}.")
        return url, _strip_blank_edges(lines[:index])
    return "", lines


def parse_date(value: str) -> datetime.date | None:
    for date_format in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    return None


def parse_html_document(content: str) -> ArticleInput:
    """An HTML page or fragment: its <article> if it has one, the title from its <h1> or <title>."""
    document = text.parse_fragment(content)
    container = _first(document, "article") or document
    heading = _first(container, "h1")
    title_element = heading if heading is not None else _first(document, "title")
    title = " ".join("".join(title_element.itertext()).split()) if title_element is not None else ""
    if heading is not None:
        text.remove_element(_parent_of(container, heading), heading)
    return ArticleInput(title=title, body_html=text.serialize_children(container))


def _first(root: Element, tag: str) -> Element | None:
    return next((element for element in root.iter() if element.tag == tag), None)


def _parent_of(root: Element, child: Element) -> Element:
    return next(element for element in root.iter() if child in list(element))
