"""`markdown_literal` (issue 19, item 8): any string from outside, put into an element Streamlit
renders as Markdown, shows as itself. A title `![t](http://attacker/t.gif)` must not make the
browser fetch an image, `:red[x]` must not colour anything.

Checked here with markdown-it (CommonMark, as Streamlit's micromark is) and Streamlit's own
rewrites of the parsed text, copied from its front end (1.67); the real-browser test
`tests/e2e/test_browser_markdown_injection.py` renders the same kind of strings in Chromium."""

from __future__ import annotations

import html
import re
import string
import textwrap

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from factcheck.domain.display import markdown_literal

# CommonMark with the GFM syntax Streamlit adds (tables, strikethrough).
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
WORD_JOINER = "\u2060"
# JavaScript's \s (Streamlit's regular expressions run in the browser) and \w (ASCII only).
JS_SPACE = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
JS_WORD = "[A-Za-z0-9_]"
# What Streamlit's front end does to the parsed text, where backslash escapes no longer count.
TEXT_REWRITES = {
    "the Streamlit logo": re.compile(":streamlit:"),
    "arrows, dashes and signs": re.compile(
        f"(?:^|{JS_SPACE})(?:<->|->|<-|--|>=|<=|~=)(?:{JS_SPACE}|$)"
    ),
    "web links (remark-gfm)": re.compile(
        rf"(?:https?://|www(?=\.))(?:[-.]|{JS_WORD})+", re.IGNORECASE
    ),
    "e-mail links (remark-gfm)": re.compile(
        rf"(?:[-.+]|{JS_WORD})+@(?:-|{JS_WORD})+(?:\.(?:-|{JS_WORD})+)+"
    ),
}
# ...and to the Markdown source before parsing it.
SOURCE_REWRITES = {
    "emoji short codes (remark-emoji is loaded)": re.compile(
        rf":(?!material/|streamlit:)(?:[+-]|{JS_WORD})(?:[+-]|{JS_WORD})*:"
    ),
    "material icons": re.compile(":material/"),
}

PIECES = [
    *string.punctuation,
    *"\n\r\t \u00a0\ufeff\x1c\x00\u2060é—“”",
    "![t](http://127.0.0.1:9/t.gif)",
    ":red[x]",
    ":material/star:",
    ":streamlit:",
    ":smile:",
    "$x$",
    "http://",
    "HTTPS://",
    "www.",
    "a@b.co",
    " -> ",
    " -- ",
    "<b>",
    "&amp;",
    "1. ",
    "# ",
    "    ",
    "ab",
    "7",
]
TEXTS = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",))),
    st.lists(
        st.one_of(st.sampled_from(PIECES), st.characters(exclude_categories=("Cs",))),
        max_size=30,
    ).map("".join),
)


def shown(text: str) -> str:
    """What the reader should see: the text itself, on one line (a renderer turns NUL into
    U+FFFD, as CommonMark says)."""
    return text.replace("\r", " ").replace("\n", " ").replace("\x00", "\ufffd")


def rendered_text(markdown: str) -> str:
    """The text of `markdown` rendered, failing unless it is one paragraph of plain text."""
    rendered = MARKDOWN.render(markdown)
    if not rendered:
        return ""
    match = re.fullmatch(r"<p>([^<]*)</p>\n", rendered)
    assert match, rendered
    return html.unescape(match.group(1))


@given(TEXTS)
@example("![t](http://127.0.0.1:9/t.gif) :red[x]")
@example(string.punctuation)
@example("a\\")
@example("1. first\n# heading\n    code\n> quote\n---")
def test_any_text_renders_as_itself_inside_a_line(text: str) -> None:
    escaped = markdown_literal(text)
    assert "\n" not in escaped and "\r" not in escaped
    got = rendered_text(f"Title: {escaped} (end)")
    assert got.replace(WORD_JOINER, "") == f"Title: {shown(text)} (end)".replace(WORD_JOINER, "")


@given(TEXTS)
def test_any_text_renders_as_itself_as_a_whole_element(text: str) -> None:
    # Streamlit dedents and strips a body before rendering it (`clean_text`).
    def clean(body: str) -> str:
        return textwrap.dedent(body).strip()

    got = rendered_text(clean(markdown_literal(text)))
    assert got.replace(WORD_JOINER, "") == clean(shown(text)).replace(WORD_JOINER, "")


@given(TEXTS)
@example(":streamlit: a -> b -- c http://x.org www.x.org a@b.co")
@example("\ufeff-> x")
def test_streamlits_own_rewrites_find_nothing_to_rewrite(text: str) -> None:
    escaped = markdown_literal(f"{text}")
    for name, pattern in SOURCE_REWRITES.items():
        assert not pattern.search(f"Title: {escaped} (end)"), name
    got = rendered_text(f"Title: {escaped} (end)")
    for name, pattern in TEXT_REWRITES.items():
        assert not pattern.search(got), (name, got)


def test_the_attack_is_plain_text() -> None:
    escaped = markdown_literal("![t](http://attacker/t.gif) :red[x]")
    assert escaped == "\\!\\[t\\]\\(http\\:\\/\\/\u2060attacker\\/t\\.gif\\) \\:red\\[x\\]"
    assert MARKDOWN.render(escaped).count("<") == 2  # <p> and </p>: no <img>, no link


def test_ordinary_titles_change_only_where_markdown_would_have_changed_them() -> None:
    assert markdown_literal("NATO troops in Ukraine after peace deal") == (
        "NATO troops in Ukraine after peace deal"
    )
    assert markdown_literal("Stubb: “Europe is ready”") == "Stubb\\: “Europe is ready”"
