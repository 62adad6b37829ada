"""Decoding uploads into article text: what is accepted, what is refused and how."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.domain.split import split_into_claims
from factcheck.domain.textio import SUPPORTED_SUFFIXES, DecodedArticle, content_hash, decode_article
from factcheck.errors import InputError
from tests.conftest import ROOT

DATA = ROOT / "data"
DEMO = DATA / "zerohedge-2025-09-05-nato-troops.txt"

ARTICLE_HTML = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>Putin warns NATO troops | Example News</title>
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2025-09-05T09:20:00+00:00">
<meta property="og:site_name" content="Example News">
<style>p { color: red; }</style>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Putin warns NATO troops</h1>
<p>French president Emmanuel Macron had on Thursday hosted a coalition of the willing on
Ukraine in Paris, involving 26 nations which have declared readiness to give guarantees.</p>
<script>var tracking = "SECRET SCRIPT TEXT";</script>
<p>The plan will reportedly be finalized with US approval, as American forces are sought
to backstop the plan, including possibly by air. Putin said any troops would be targets.</p>
</article>
<footer>Copyright Example News</footer>
</body></html>"""


def refused(data: bytes, filename: str, **kwargs: int) -> str:
    """The InputError message for `data`, checked to be one line naming the file."""
    with pytest.raises(InputError) as info:
        decode_article(data, filename, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    assert Path(filename).name in message
    return message


# --- plain text --------------------------------------------------------------------------


def test_demo_article_round_trips_and_splits() -> None:
    raw = DEMO.read_bytes()
    article = decode_article(raw, DEMO.name)
    assert isinstance(article, DecodedArticle)
    assert article.text == raw.decode("utf-8").strip()
    assert article.encoding == "utf-8"
    assert article.title is not None
    assert article.title.startswith("NATO Troops In Ukraine")
    assert article.html is None
    result = split_into_claims(article.text)
    assert result.author == "Tyler Durden"
    assert len(result.claims) == 16


def test_newlines_bom_and_trailing_space_are_normalised() -> None:
    data = "\ufeffHeadline  \r\nFirst line.\rSecond line.\r\n\r\n\r\n\r\nLast.\r\n".encode()
    article = decode_article(data, "a.txt")
    assert article.text == "Headline\nFirst line.\nSecond line.\n\nLast."
    assert article.title == "Headline"


def test_utf16_with_bom() -> None:
    text = "Headline\nПутин заявил, что войска станут целями."
    article = decode_article(text.encode("utf-16"), "ru.txt")
    assert article.text == text
    assert article.encoding == "utf-16"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Le café est très bon. L'été arrive, naïve idée, déjà vu.", "cp1252"),
        ("Die Bürger müssen größere Straßen überqueren.", "cp1252"),
        ("He said “it’s fine” — ok… it costs €5.", "cp1252"),
        ("Привет, как дела? Всё хорошо, спасибо.", "cp1251"),
        ("Zażółć gęślą jaźń, powiedział. Wiązać się z tym.", "cp1250"),
    ],
)
def test_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    article = decode_article(text.encode(encoding), "legacy.txt")
    assert article.text == text
    assert "\ufffd" not in article.text


# --- refusals ----------------------------------------------------------------------------


def test_empty_file() -> None:
    assert "empty" in refused(b"", "empty.txt")


@pytest.mark.parametrize("data", [b"   \n\t\r\n ", "\ufeff \n".encode(), " ".encode("utf-16")])
def test_whitespace_only_file(data: bytes) -> None:
    assert "whitespace" in refused(data, "blank.txt")


def test_over_the_size_limit_names_the_limit() -> None:
    message = refused(b"word " * 10_000_000, "huge.txt", max_bytes=1_000_000)
    assert "50.0 MB" in message
    assert "1.0 MB" in message


def test_exactly_at_the_limit_is_accepted() -> None:
    assert decode_article(b"a" * 1000, "edge.txt", max_bytes=1000).text == "a" * 1000


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    ],
)
def test_binary_formats_are_named(data: bytes, what: str) -> None:
    assert what in refused(data, "upload.txt")


def test_nul_bytes_mean_binary() -> None:
    assert "binary" in refused(b"hello\x00world, this is not text", "nul.txt")


def test_control_characters_mean_binary() -> None:
    assert "binary" in refused(b"\x01\x02\x03\x04\x05abc" * 50, "ctrl.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe garbage",
        b"\xff\xfe\x00\xd8",  # a lone surrogate
        bytes(range(128, 256)) * 8,
    ],
)
def test_undecodable_bytes(data: bytes) -> None:
    message = refused(data, "garbage.txt")
    assert "could not detect the text encoding of garbage.txt; save it as UTF-8" in message


def test_mixed_utf8_and_latin1_is_refused_not_replaced() -> None:
    data = "The café’s owner said:".encode() + " naïve, déjà vu.".encode("latin-1")
    message = refused(data, "mixed.txt")
    assert "could not detect the text encoding" in message
    assert "save it as UTF-8" in message


@pytest.mark.parametrize("filename", ["report.pdf", "image.png", "notes.docx", "README"])
def test_unsupported_extension(filename: str) -> None:
    message = refused(b"Plain text.", filename)
    assert "unsupported file type" in message


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".html", ".htm"} <= set(SUPPORTED_SUFFIXES)
    for suffix in SUPPORTED_SUFFIXES:
        assert decode_article(b"<p>Hello there.</p>", f"x{suffix.upper()}").text


# --- HTML --------------------------------------------------------------------------------


def test_html_article_body_and_metadata() -> None:
    article = decode_article(ARTICLE_HTML.encode(), "page.html")
    assert article.html == ARTICLE_HTML
    assert article.title == "Putin warns NATO troops"
    assert article.text.startswith("Putin warns NATO troops\n")
    assert "Emmanuel Macron" in article.text
    assert "would be targets." in article.text
    assert "SECRET SCRIPT" not in article.text
    assert "color: red" not in article.text
    assert article.author == "Jane Roe"
    assert article.published == "2025-09-05T09:20"
    assert article.site_name == "Example News"


def test_small_html_drops_script_and_style() -> None:
    data = b"<p>Hello world.</p><script>alert('SECRET')</script><style>p{}</style>"
    article = decode_article(data, "small.htm")
    assert article.text == "Hello world."


def test_html_without_text_is_refused() -> None:
    data = b"<html><head><script>var x = 1;</script></head><body><img src=a.png></body></html>"
    assert "no article text" in refused(data, "empty.html")


def test_deeply_nested_html_does_not_crash() -> None:
    data = b"<div>" * 100_000 + b"Deep text survives." + b"</div>" * 100_000
    assert decode_article(data, "deep.html").text == "Deep text survives."


def test_unclosed_head_keeps_the_body() -> None:
    data = b"<html><head><title>T</title><body><p>Body text is here.</p>"
    assert "Body text is here." in decode_article(data, "nohead.html").text


# --- markdown ----------------------------------------------------------------------------


def test_markdown_markup_is_removed() -> None:
    data = b"""---
title: Front matter title
author: someone
---
# The *Real* Headline #

Some **bold**, __strong__, *em* and _em_ text with [a link](https://example.com "t") and
`code`, plus ~~struck~~ words and <b>html</b>.

- first item
1. numbered item
> quoted _text_

![an image](pic.png)
[ref]: https://example.com
snake_case_name and 2*3*4 stay as they are.

Setext heading
--------------
"""
    article = decode_article(data, "post.md")
    assert article.title == "Front matter title"
    assert article.text == (
        "The Real Headline\n\n"
        "Some bold, strong, em and em text with a link and\n"
        "code, plus struck words and html.\n\n"
        "first item\n"
        "numbered item\n"
        "quoted text\n\n"
        "snake_case_name and 2*3*4 stay as they are.\n\n"
        "Setext heading"
    )


def test_markdown_title_from_first_heading() -> None:
    article = decode_article(b"Intro line\n\n# Main title\n\nBody.", "a.md")
    assert article.title == "Main title"


def test_markdown_of_only_markup_is_refused() -> None:
    assert "no text" in refused(b"---\n\n***\n\n![x](y.png)\n", "rules.md")


# --- content hash ------------------------------------------------------------------------


def test_content_hash_ignores_whitespace_and_normalisation() -> None:
    a = content_hash("Caf\u00e9 opens.\nIt is  new.")
    b = content_hash("  Cafe\u0301 opens. It is new.\r\n")
    assert a == b
    assert len(a) == 64
    assert a != content_hash("Café opens. It is old.")


def test_content_hash_of_a_reimport_matches() -> None:
    raw = DEMO.read_bytes()
    first = decode_article(raw, DEMO.name)
    second = decode_article(raw.replace(b"\n", b"\r\n"), "copy.txt")
    assert content_hash(first.text) == content_hash(second.text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([".txt", ".md", ".html"]))
def test_any_bytes_decode_or_refuse_cleanly(data: bytes, suffix: str) -> None:
    try:
        article = decode_article(data, f"random{suffix}", max_bytes=300)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert article.text.strip()
    assert "\ufffd" not in article.text or "\ufffd".encode() in data
    assert "\r" not in article.text


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1).filter(lambda s: s.strip()))
def test_any_utf8_text_is_accepted_or_refused_cleanly(text: str) -> None:
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be written as UTF-8 at all
        return
    try:
        article = decode_article(data, "any.txt")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert article.text
    assert content_hash(article.text) == content_hash(article.text + "\n")
