"""Page furniture is not a claim (issue 15): teasers, credits, calls to click or subscribe,
publication notes, whatever the outlet's wording."""

from __future__ import annotations

import pytest

from factcheck.domain.split import is_furniture_line, metadata_lines, split_into_claims

FURNITURE = [
    "READ MORE: Flooding hits northern towns",
    "Read more: Council budget approved after late-night session",
    "WATCH: Residents wade through flooded streets",
    "Photo: John Smith/Reuters",
    "Photo / Getty Images",
    "Image: Alan Betson/The Irish Times",
    "Related: Council budget approved",
    "Listen: The morning podcast",
    "Listen to our Inside Politics podcast",
    "Click here to subscribe to our newsletter.",
    "Also Read: Delhi air quality dips to 'poor' category",
    "READ | Municipalities owe the utility R94 billion, Parliament told",
    "© 2024 AFP",
    "Copyright PUNCH. All rights reserved.",
    "KYODO",
    "– Rappler.com",
    "Associated Press writer Tom Reyes contributed to this report.",
    "(Reporting by Omar Haddad in London; Editing by Ed Osmond)",
    "(With inputs from agencies)",
    "Posted 3h ago",
    "Sign up to Down to Earth, our free weekly environment newsletter",
    "Published in Dawn, September 14th, 2025",
    "This report by The Canadian Press was first published Oct. 2, 2025.",
    "Edited by: Sarah Lewis",
    "Source: Al Jazeera and news agencies",
    "Join ST's Telegram channel and get the latest breaking news delivered to you.",
    "CORRECTION: An earlier version of this story misstated the date of the vote.",
]

PROSE = [
    "The mayor said the schools would reopen on Monday.",
    "Illinois: 14 districts",
    "WALLACE: Let's start with the economy.",
    "More than 40 people were hurt.",
    "Read the full statement below, the council said.",
    "Sources said the talks had stalled.",
    "Published figures show a fall in crime.",
    "Live music returns to the park on Sunday.",
    "About 550 students attend the school.",
    "Watch the skies tonight, astronomers say.",
    "NATO Troops In Ukraine ‘Legitimate Targets’ After Peace Deal: Putin",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_lines_are_recognised(line: str) -> None:
    assert is_furniture_line(line)


@pytest.mark.parametrize("line", PROSE)
def test_prose_is_not_furniture(line: str) -> None:
    assert not is_furniture_line(line)


def test_furniture_lines_are_non_claims() -> None:
    text = (
        "Rain closes schools\n\nBy Jane Doe\n\nThe mayor said schools would reopen on Monday.\n\n"
        "READ MORE: Flooding hits northern towns\n\nPhoto: John Smith/Reuters\n\n"
        "Residents were told to stay indoors.\n\nListen to our morning podcast\n"
    )
    result = split_into_claims(text)
    claims = [c.text for c in result.claims]
    assert claims == [
        "Rain closes schools",
        "The mayor said schools would reopen on Monday.",
        "Residents were told to stay indoors.",
    ]
    marked = [text[a:b] for a, b in metadata_lines(text)]
    assert marked == [text[a:b] for a, b in result.non_claims]
    assert "READ MORE: Flooding hits northern towns" in marked
    assert "Listen to our morning podcast" in marked
