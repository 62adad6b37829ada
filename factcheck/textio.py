"""Turn uploaded or imported bytes into article text, refusing what is not text.

Everything a user can get wrong (empty file, wrong type, binary, unknown encoding, huge
file) becomes an InputError whose one-line message names the file, so the CLI and the UI
can show it as is. The text returned is what gets stored and split into claims: claim
offsets refer to it, never to the original bytes.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePath

from factcheck.errors import InputError

__all__ = ["SUPPORTED_SUFFIXES", "DecodedArticle", "content_hash", "decode_article"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm")

# Signatures of the binary files people most often upload by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
)
# Share of suspicious characters (controls, unassigned, private use) above which the
# decoded result is taken for garbage rather than text.
_MAX_GARBAGE_RATIO = 0.01
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


@dataclass
class DecodedArticle:
    """An article's text as it will be stored, with what the file told us about it."""

    text: str
    title: str | None
    html: str | None
    encoding: str
    author: str | None = None
    published: str | None = None
    site_name: str | None = None
    url: str | None = None


def content_hash(text: str) -> str:
    """sha256 of the text with Unicode (NFC) and whitespace normalised, so the same article
    imported twice, re-saved or re-wrapped, is recognised."""
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()


def decode_article(data: bytes, filename: str, max_bytes: int = 5_000_000) -> DecodedArticle:
    """Decode an uploaded .txt, .md or .html file into article text and metadata.

    Raises InputError (naming `filename`) for an unsupported type, an empty, oversized,
    binary or undecodable file, and HTML with no text in it.
    """
    name = PurePath(filename).name or filename or "the file"
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"'{suffix}'" if suffix else "without an extension"
        raise InputError(f"{name}: unsupported file type {shown}; import .txt, .md or .html files")
    if not data:
        raise InputError(f"{name} is empty")
    if len(data) > max_bytes:
        size, limit = _size(len(data)), _size(max_bytes)
        if size == limit:  # rounding hid the difference
            size, limit = f"{len(data):,} bytes", f"{max_bytes:,} bytes"
        raise InputError(f"{name} is {size}, over the {limit} limit for one article")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name} is {what}, not a text file; save it as .txt or .html")
    text, encoding = _decode(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{name} contains only whitespace")

    if suffix in (".html", ".htm"):
        return _from_html(text, encoding, name)
    if suffix in (".md", ".markdown"):
        text, title = _clean_markdown(text)
    else:
        title = None
    text = _tidy(text)
    if not text:
        raise InputError(f"{name} has no text once its markup is removed")
    return DecodedArticle(text=text, title=title or _first_line(text), html=None, encoding=encoding)


# --- bytes -> str ------------------------------------------------------------------------


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.1f} kB"
    return f"{n} bytes"


def _garbage_ratio(text: str) -> float:
    """Share of characters no real article contains: controls, unassigned, private use,
    lone surrogates and the replacement character."""
    if not text:
        return 0.0
    # Judge each distinct character once: a 5 MB text has only a few hundred of them.
    bad = [
        ch
        for ch in set(text)
        if ch not in _ALLOWED_CONTROLS
        and (ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"))
    ]
    return sum(text.count(ch) for ch in bad) / len(text)


# A valid UTF-8 multi-byte sequence; in a file that is not valid UTF-8 as a whole, these
# mean it is UTF-8 with some bytes of another encoding mixed in.
_PRINTABLE_ASCII = re.compile(rb"[\x20-\x7e\t\n\r]+")
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): UTF-16 with a BOM, then strict UTF-8, then charset-normalizer's
    guess if it reads as text. Never substitutes U+FFFD for undecodable bytes."""
    refuse = InputError(f"could not detect the text encoding of {name}; save it as UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        payload = data[2:]
        # Bytes that are all printable ASCII after a "BOM" are 8-bit text behind stray
        # bytes, not UTF-16: real UTF-16 has NULs (ASCII) or high bytes (other scripts).
        if payload and _PRINTABLE_ASCII.fullmatch(payload):
            raise refuse
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            raise refuse from None
        if _garbage_ratio(text) > _MAX_GARBAGE_RATIO:
            raise refuse
        return text, "utf-16"
    if b"\x00" in data:
        raise InputError(f"{name} looks like a binary file (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        if _garbage_ratio(text) > _MAX_GARBAGE_RATIO:
            raise InputError(f"{name} looks like a binary file (control characters), not text")
        return text, "utf-8"
    if _UTF8_SEQUENCE.search(data):
        raise InputError(
            f"could not detect the text encoding of {name} (it mixes UTF-8 with another "
            "encoding); save it as UTF-8"
        )
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _looks_western(western):
        return western, "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise refuse
    try:
        text = data.decode(best.encoding)  # strict: no U+FFFD sneaks in
    except (UnicodeDecodeError, LookupError):
        raise refuse from None
    if _garbage_ratio(text) > _MAX_GARBAGE_RATIO:
        raise refuse
    return text, best.encoding


# Non-letters that Windows-1252 prose uses; the apostrophe-like ones may sit inside words.
_WESTERN_SYMBOLS = frozenset("’‘“”„–—…€•«»°£¥§©®™·¡¿½¼¾×±¢¤¦¨¬¯´¸\xa0\xad")
_INSIDE_WORDS = frozenset("’‘·\xad")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _looks_western(text: str) -> bool:
    """Whether `text`, decoded as Windows-1252, reads as Western-European prose.

    charset-normalizer often misnames short Western texts (French as Baltic cp1257, German
    as mac_iceland), and cp1252 is by far the commonest legacy encoding of the news we
    import. Other single-byte encodings decode "successfully" as cp1252 too, but give
    themselves away: Cyrillic or Greek turns into words made only of accented letters, and
    Central European letters turn into symbols inside words ("wi¹zaæ").
    """
    letters = sum(map(text.count, string.ascii_letters))
    non_ascii_letters = 0
    for match in _NON_ASCII.finditer(text):
        ch, i = match[0], match.start()
        if ch.isalpha():
            non_ascii_letters += 1
            continue
        if ch not in _WESTERN_SYMBOLS:
            return False
        if (
            ch not in _INSIDE_WORDS
            and 0 < i < len(text) - 1
            and text[i - 1].isalpha()
            and text[i + 1].isalpha()
        ):
            return False
    letters += non_ascii_letters
    # Accented letters are the seasoning of Western prose, not the dish.
    return letters > 0 and non_ascii_letters <= 0.3 * letters


def _tidy(text: str) -> str:
    """Trailing spaces off each line, at most one blank line in a row, no blank ends."""
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _first_line(text: str) -> str | None:
    line = text.split("\n", 1)[0].strip()
    return line[:300] or None


# --- markdown ----------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
_BLOCKQUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)|!\[([^\]\n]*)\]\[[^\]\n]*\]")
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)|\[([^\]\n]+)\]\[[^\]\n]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>")
_EMPHASIS = (
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(?<![\w*])(\*)(?=\S)(.+?)(?<=\S)\*(?![\w*])"),
    re.compile(r"(?<![\w_])(_)(?=\S)(.+?)(?<=\S)_(?![\w_])"),
    re.compile(r"(~~)(?=\S)(.+?)(?<=\S)~~"),
)
_CODE = re.compile(r"`([^`\n]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")


def _inline(line: str) -> str:
    """Markdown inline syntax off one line, keeping the words a reader sees."""
    line = _IMAGE.sub("", line)  # an image's alt text is not article prose
    line = _LINK.sub(lambda m: m[1] or m[2], line)
    line = _AUTOLINK.sub(r"\1", line)
    line = _TAG.sub("", line)
    line = _CODE.sub(r"\1", line)
    for pattern in _EMPHASIS:
        line = pattern.sub(r"\2", line)
    return _ESCAPE.sub(r"\1", line)


def _clean_markdown(text: str) -> tuple[str, str | None]:
    """(plain text, title): headings, emphasis, links, lists and quotes become plain text;
    the first level-1 heading (or front-matter title) is the title."""
    title: str | None = None
    front = _FRONT_MATTER.match(text)
    if front:
        for line in front[1].split("\n"):
            key, _, value = line.partition(":")
            if key.strip().lower() == "title" and value.strip():
                title = value.strip().strip("\"'")
        text = text[front.end() :]
    out: list[str] = []
    for line in text.split("\n"):
        if _FENCE.match(line) or _LINK_DEF.match(line) or _RULE.match(line):
            continue
        if _SETEXT.match(line) and out and out[-1].strip():
            continue  # the underline of a setext heading; the heading text is kept
        heading = _HEADING.match(line)
        if heading:
            line = _inline(heading[2])
            if title is None and len(heading[1]) == 1:
                title = line.strip() or None
            out.append(line)
            continue
        line = _BLOCKQUOTE.sub("", line)
        line = _LIST_ITEM.sub("", line)
        out.append(_inline(line))
    return "\n".join(out), title


# --- HTML --------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "hr",
        "dd",
        "dt",
        "figure",
        "figcaption",
        "main",
        "aside",
        "nav",
        "form",
    ]
)
_SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "svg", "iframe", "object", "canvas"]
)


class _TextExtractor(HTMLParser):
    """Plain-text fallback: text outside scripts/styles, a newline per block element.

    Event-driven and non-recursive, so absurdly deep nesting cannot exhaust the stack.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.in_title = False
        self.title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag == "title":
            self.in_title = True
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self.in_title = False
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        elif not self.skip:
            self.parts.append(data)


def _strip_tags(html: str) -> tuple[str, str | None]:
    """(text, title) by the stdlib parser, for when trafilatura finds nothing."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    title = " ".join("".join(parser.title_parts).split()) or None
    return text, title


def _trafilatura(html: str) -> dict[str, str | None] | None:
    """Main text and metadata by trafilatura, or None if it finds nothing or fails."""
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={
                "extensive_search": True,
                "original_date": True,
                "outputformat": "%Y-%m-%dT%H:%M",
            },
        )
    # lxml/trafilatura can hit the recursion limit (RecursionError) on deeply nested
    # markup, fail in other ways on broken pages, or be unimportable if lxml's html-clean
    # extra is missing; the stdlib fallback copes with all of these.
    except Exception:
        return None
    if doc is None:
        return None
    found = doc if isinstance(doc, dict) else doc.as_dict()
    if not (found.get("text") or "").strip():
        return None
    return {
        key: (str(found[key]) if found.get(key) else None)
        for key in ("text", "title", "author", "date", "sitename", "url")
    }


def _from_html(html: str, encoding: str, name: str) -> DecodedArticle:
    """Article body and metadata of an HTML page; the headline leads the text, as in a
    pasted article, because it is a claim too."""
    found = _trafilatura(html)
    if found is not None:
        text, title = found["text"] or "", found["title"]
    else:
        try:
            text, title = _strip_tags(html)
        except Exception as exc:  # html.parser is lenient, but never let a page crash import
            raise InputError(
                f"{name}: could not read the HTML ({exc.__class__.__name__})"
            ) from None
        found = {}
    text = _tidy(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text:
        raise InputError(f"{name} contains no article text")
    if title and not text.startswith(title):
        text = f"{title}\n{text}"
    published = found.get("date")
    if published and published.endswith("T00:00"):  # htmldate's "no time known"
        published = published[: -len("T00:00")]
    return DecodedArticle(
        text=text,
        title=title or _first_line(text),
        html=html,
        encoding=encoding,
        author=found.get("author"),
        published=published,
        site_name=found.get("sitename"),
        url=found.get("url"),
    )
