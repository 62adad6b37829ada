"""How names from outside (file and folder names) are shown on a terminal.

A file name may hold any character but `/` and NUL: a newline in it would print a line of its
own ("imported article 99 …") that the user takes for the tool's output, a carriage return or
an escape sequence would overwrite what is on screen. Where a message names a file it is built
with `quote_name`; a message built elsewhere around a raw name is printed through `one_line`
(the CLI does that for the domain errors it reports and for import summaries).
"""

from __future__ import annotations

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
