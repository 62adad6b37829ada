"""How names from outside (file and folder names) are shown on a terminal.

A file name may hold any character but `/` and NUL: a newline in it would print a line of its
own ("imported article 99 …") that the user takes for the tool's output, a carriage return or
an escape sequence would overwrite what is on screen. Where a message names a file it is built
with `quote_name`; a message built elsewhere around a raw name is printed through `one_line`
(the CLI does that for the domain errors it reports and for import summaries).

The web UI has the same problem in another syntax: Streamlit renders titles, captions, alerts,
progress text and widget labels as Markdown, so a title `![t](http://attacker/t.gif)` would
make every reader's browser fetch the image (a tracking beacon) and `:red[…]` would colour it.
Every string from outside (article, user or service message) that goes into such an element
goes through `markdown_literal`, the one function for it.
"""

from __future__ import annotations

import re
import string
from os import PathLike

# Kept as they are by `one_line`: a tab cannot start a line, and BRAT lines quoted in
# messages are tab-separated.
_KEPT = frozenset("\t")


def _escape(char: str) -> str:
    """A character as Python writes it in a string literal (\\n, \\r, \\x1b, \\u202e…)."""
    return repr(char)[1:-1]


def quote_name(name: str | PathLike[str]) -> str:
    """A file or folder name as the CLI prints it: unchanged when every character is
    printable (ordinary names read as before), else quoted and escaped like a Python string
    literal, so it is one line that reads back exactly (`'x\\nimported article 9.txt'`)."""
    text = str(name)
    return text if text.isprintable() else repr(text)


def one_line(message: str) -> str:
    """A message that may carry a raw name (one built by a service we print as is), with every
    character that could end the line, move the cursor or start a terminal escape sequence
    escaped; tabs are kept."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() or c in _KEPT else _escape(c) for c in message)


# Every ASCII punctuation character: CommonMark lets each be backslash-escaped (a `\` before
# anything else is a literal backslash), and between them they cover every piece of Markdown,
# GFM and Streamlit syntax: emphasis, links and images, code, HTML, entities, headings, lists,
# tables, strikethrough, autolinks (`http://`, `www.`, `a@b.c`), `$` maths, `:red[…]`
# directives, `:material/…:` icons and `:emoji:` short codes (Streamlit rewrites the raw text
# `:material/` before parsing: the escaped `/` keeps it from matching).
_MARKDOWN_ESCAPES = {ord(c): "\\" + c for c in string.punctuation}
# A line ending would end the paragraph and let the next line start a heading, a list or a
# code block: the text is shown on one line instead, as a browser shows its spaces anyway.
_MARKDOWN_ESCAPES |= {ord("\n"): " ", ord("\r"): " "}


# Streamlit also rewrites the parsed text, where no escape reaches: `:streamlit:` becomes its
# logo; a free-standing `->`, `<-`, `<->`, `--`, `>=`, `<=` or `~=` an arrow, a dash or a
# sign; web and e-mail addresses (`http://…`, `www.…`, `a@b.org`) links. An invisible WORD
# JOINER after the characters matched here keeps each one as typed (\ufeff: JavaScript's \s
# has it, Python's not).
_REWRITTEN = re.compile(
    r":(?=streamlit:)"
    r"|(?<![^\s\ufeff])(?=(?:<->|->|<-|--|>=|<=|~=)(?![^\s\ufeff]))."
    r"|(?i:https?://|www(?=\.))"
    r"|(?<=[-.\w+])@(?=[-\w]+\.[-\w])"
)
_WORD_JOINER = "\u2060"


def markdown_literal(text: str) -> str:
    """`text` as Streamlit Markdown that shows exactly `text` (line breaks as spaces): every
    Markdown, directive, maths and HTML character backslash-escaped. For every string from
    outside (titles, outlets, authors, claim text, names, notes, messages that quote them) put
    into an element that renders Markdown; select box options, tables, `st.text` and
    `st.code` show text as it is and need nothing."""
    return _REWRITTEN.sub("\\g<0>" + _WORD_JOINER, text).translate(_MARKDOWN_ESCAPES)
