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
from html import unescape
from itertools import islice
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
MAX_TITLE = 300


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
    return DecodedArticle(
        text=text, title=_short_title(title) or _first_line(text), html=None, encoding=encoding
    )


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
    return line[:MAX_TITLE] or None


def _short_title(title: str | None) -> str | None:
    """A title as an article keeps it: one line of at most MAX_TITLE characters (a heading
    or <title> can be megabytes long; the database keeps 500)."""
    return " ".join((title or "").split())[:MAX_TITLE] or None


# --- markdown ----------------------------------------------------------------------------

# Every pattern below takes time linear in the line it is given, however the line is made:
# a file is up to 5 MB, possibly on one line, so a pattern that rescans the rest of the line
# from each of its many possible starts ("**a **a **a…", "[a](…" unclosed) would run for
# hours. What may sit inside a span therefore stops at the next delimiter that could end or
# restart it: each character is scanned from one start only.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FENCE = re.compile(r"^\s*(```|~~~)")
# An ATX heading; its closing #s are taken off by `_heading_text` (as a pattern, the optional
# closing sequence was tried from every position of the line: quadratic in a run of spaces).
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
_BLOCKQUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
# A link's or image's target: "(url)" (with balanced parentheses one level deep, as in
# Wikipedia links) or "[ref]". The text in brackets holds no bracket.
_TARGET = r"(?:\((?:[^()\n]++|\([^()\n]*+\))*+\)|\[[^\[\]\n]*+\])"
_IMAGE = re.compile(r"!\[([^\[\]\n]*+)\]" + _TARGET)
_LINK = re.compile(r"\[([^\[\]\n]++)\]" + _TARGET)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]++)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:[^\S\n][^<>\n]*)?/?>")
# Emphasis: the text between the delimiters never holds the delimiter (a single * or _ may
# sit inside a word, as in 2*3 or snake_case); group 1 is the text kept.
_EMPHASIS = (
    re.compile(r"\*\*(?=\S)((?:[^*\n]|\*(?!\*))+?)(?<=\S)\*\*"),
    re.compile(r"__(?=\S)((?:[^_\n]|_(?!_))+?)(?<=\S)__"),
    re.compile(r"(?<![\w*])\*(?=\S)((?:[^*\n]|(?<=\w)\*(?=\w))+?)(?<=\S)\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=\S)((?:[^_\n]|(?<=\w)_(?=\w))+?)(?<=\S)_(?![\w_])"),
    re.compile(r"~~(?=\S)((?:[^~\n]|~(?!~))+?)(?<=\S)~~"),
)
# A line without any of these characters (and not starting with a number) is plain prose that
# no pattern changes: most lines of most articles, passed on as they are.
_MARKUP_CHARS = re.compile(r"[#=\-*_>+\[!<`~\\]|^\s*\d")
_INLINE_CHARS = re.compile(r"[!\[<`*_~\\]")
_CODE = re.compile(r"`([^`\n]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")


def _inline(line: str) -> str:
    """Markdown inline syntax off one line (or lines: no pattern spans a line break), keeping
    the words a reader sees."""
    if not _INLINE_CHARS.search(line):
        return line
    line = _IMAGE.sub("", line)  # an image's alt text is not article prose
    line = _LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    line = _TAG.sub("", line)
    line = _CODE.sub(r"\1", line)
    for pattern in _EMPHASIS:
        line = pattern.sub(r"\1", line)
    return _ESCAPE.sub(r"\1", line)


def _heading_text(rest: str) -> str:
    """An ATX heading's text: what follows "# ", without a closing run of #s that follows a
    space ("Title ##" is "Title"; "C#" stays "C#")."""
    text = rest.rstrip()
    bare = text.rstrip("#")
    if bare != text and bare[-1:].isspace():
        text = bare.rstrip()
    return text


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
    # Block syntax line by line; inline syntax (which never spans lines) afterwards over the
    # whole text at once: one pattern call per pattern, not per line (a million short lines
    # took 18 s the other way).
    out: list[str] = []
    for line in text.split("\n"):
        if not _MARKUP_CHARS.search(line):
            out.append(line)
            continue
        if _FENCE.match(line) or _LINK_DEF.match(line) or _RULE.match(line):
            continue
        if _SETEXT.match(line) and out and _inline(out[-1]).strip():
            continue  # the underline of a setext heading; the heading text is kept
        heading = _HEADING.match(line)
        if heading:
            line = _heading_text(heading[2])
            if title is None and len(heading[1]) == 1:
                title = _inline(line).strip() or None
            out.append(line)
            continue
        if quote := _BLOCKQUOTE.match(line):
            line = line[quote.end() :]
        if item := _LIST_ITEM.match(line):
            line = line[item.end() :]
        out.append(line)
    return _inline("\n".join(out)), title


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


# The fallback reader's tokens: where a tag's name starts and ends, where its attributes end
# (quoted values may hold ">"; every quantifier is possessive, so a failed match is never
# retried from inside itself), and where a script's or style's raw text ends.
_TAG_OPEN = re.compile(r"<(/?)([A-Za-z][^\s/>]*+)")
_TAG_REST = re.compile(r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
_RAW_TEXT_TAGS = frozenset(["script", "style"])
_RAW_TEXT_END = {tag: re.compile(rf"</{tag}(?![^\s/>])[^>]*+>", re.I) for tag in _RAW_TEXT_TAGS}


def _strip_tags(html: str) -> tuple[str, str | None]:
    """(text, title) for when trafilatura finds nothing: the text outside scripts and styles,
    a line break at each block element.

    A single forward scan that never looks at a character twice (but for one failed look for
    a closing quote per quote mark), so any file is read in linear time. Not the standard
    library's html.parser, which before Python 3.11.13 is quadratic on unclosed constructs
    (a 120 kB file of `<a b="` took 40 s; 5 MB would take days), and trafilatura finds nothing
    in exactly such files. Not lxml either: it drops whatever is nested deeper than 256
    elements. An unclosed comment, tag or script runs to the end of the file, as in browsers.
    """
    parts: list[str] = []
    title_parts: list[str] = []
    skip = 0  # inside how many elements whose text is not prose (scripts, styles…)
    in_title = False
    pos, n = 0, len(html)
    while pos < n:
        lt = html.find("<", pos)
        if lt < 0:
            lt = n
        if lt > pos:
            if in_title:
                title_parts.append(html[pos:lt])
            elif not skip:
                parts.append(html[pos:lt])
        if lt >= n:
            break
        tag = _TAG_OPEN.match(html, lt)
        if tag is None:
            if html.startswith("<!--", lt):  # a comment
                close = html.find("-->", lt + 4)
                pos = n if close < 0 else close + 3
            elif html.startswith(("<!", "</", "<?"), lt):  # a declaration or bogus comment
                close = html.find(">", lt + 2)
                pos = n if close < 0 else close + 1
            else:  # a "<" that starts nothing is text
                if in_title:
                    title_parts.append("<")
                elif not skip:
                    parts.append("<")
                pos = lt + 1
            continue
        rest = _TAG_REST.match(html, tag.end())
        if rest is not None:
            pos = rest.end()
        else:  # an unclosed quote: the tag ends at the next ">", if any
            close = html.find(">", tag.end())
            pos = n if close < 0 else close + 1
        closing, name = bool(tag[1]), tag[2].lower()
        self_closing = html[pos - 2 : pos] == "/>"
        if closing:
            if name in _SKIP_TAGS:
                skip = max(0, skip - 1)
            elif name == "title":
                in_title = False
            elif name in _BLOCK_TAGS:
                parts.append("\n")
        elif self_closing:
            if name in _BLOCK_TAGS:
                parts.append("\n")
        elif name in _RAW_TEXT_TAGS:  # raw text up to its end tag, never prose
            end = _RAW_TEXT_END[name].search(html, pos)
            pos = n if end is None else end.end()
        elif name in _SKIP_TAGS:
            skip += 1
        elif name == "title":
            in_title = True
        elif name in _BLOCK_TAGS:
            parts.append("\n")
    text = unescape("".join(parts))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    text = "\n".join(line for line in lines if line)
    title = " ".join(unescape("".join(title_parts)).split()) or None
    return text, title


# trafilatura spends about 35 µs per element (a 5 MB page of a million <br>: 40 s); a news
# page has a few thousand. A page with more is left to `_strip_tags` (lxml: 3 s at most).
MAX_TRAFILATURA_TAGS = 100_000
_START_TAG = re.compile(r"<[A-Za-z]")


def _trafilatura(html: str) -> dict[str, str | None] | None:
    """Main text and metadata by trafilatura, or None if it finds nothing, fails, or the page
    has more elements than it can go through in a few seconds."""
    if next(islice(_START_TAG.finditer(html), MAX_TRAFILATURA_TAGS, None), None) is not None:
        return None
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
        title=_short_title(title) or _first_line(text),
        html=html,
        encoding=encoding,
        author=found.get("author"),
        published=published,
        site_name=found.get("sitename"),
        url=found.get("url"),
    )
