"""The suggester's words: cue verbs and the words around them, vague and anonymous sources,
titles and the kinds of source they mark, media words.

The cue verbs were read off the PolNeAR train split (verb forms annotated as a cue in at
least about half of their occurrences), plus a few cues from the demo domain.
"""

from __future__ import annotations

import re

from schemas.vocab import SourceKind

# Verbs (and their forms) that signal an attribution: "said", "told", "warned"…
CUE_VERBS = frozenset(
    """
    said says say saying told tells tell telling wrote writes write writing added adds
    adding asked asks asking reported reports noted notes noting announced announces
    suggested wants plans vowing believes suggests suggesting argued argues arguing
    argue tweeted tweeting described describes describing continued explained explains
    explaining acknowledged acknowledges expressed urged urges urging claimed claims
    claiming warned warns warning cited citing stated stating defended praised concluded
    vowed vows recalled recalling insisted insists insist questioned rejected replied
    responded denied predicted dismissed denounced denouncing blasted blamed complained
    confirmed indicated echoed mocked reiterated reiterates reiterating declared
    declares declaring admitted assured criticized criticizing accused accuses pledged
    promised promising promises proposed mentioned mentions revealed called calls
    calling clarified conceded emphasized emphasizes stressed stresses contended
    contends maintained maintains observed lamented boasted quipped joked countered
    testified alleged alleges charged pointed highlighted underscored remarked wondered
    declined refused endorsed found finds showed shows agreed agrees offered posted
    talked thinks hopes hoped hoping attacked opposed discussed asserted seeks accusing
    slammed slams encouraged acknowledging voiced refusing decried touted touting
    threatened projected estimated estimates pleaded praises thanked insisting reminded
    emailed quoted answered shouted chanted refuses cites cautioned condemned reveals
    vowing pledging bemoaned signaled retweeted admits commented indicates endorses
    concludes mentioning emphasizing praising yelled responds blasts blasting
    interjected implied speculated informed railed
    """.split()  # noqa: SIM905
)

# Auxiliaries and adverbs a cue verb extends back over ("has stated", "also said").
AUXILIARIES = frozenset(
    """
    has have had is was were are will would also later previously repeatedly then again
    publicly already recently once further subsequently earlier reportedly has also
    """.split()  # noqa: SIM905
)

# Cues followed by whom they were said to ("told reporters that …").
RECIPIENT_VERBS = frozenset(
    """
    told tells tell telling asked asks asking warned urged assured reminded informed
    """.split()  # noqa: SIM905
)

# Pronoun and relative sources, resolved to the person named before them.
PRONOUNS = frozenset(["he", "she", "they", "i", "we", "it", "you", "his", "her", "their"])

RELATIVES = frozenset(["who", "which", "that"])

# Words a source noun phrase does not run over.
CLAUSE_STOP = frozenset(
    """
    and but or so while as because after before when if that which who whom whose then
    where what although though since until than however meanwhile now yet said says told
    also not to be been being did do does is was were are has have had will would could
    should can may might must
    """.split()  # noqa: SIM905
)

# Sentence openers that are not part of a source ("However, Trump said").
LEADING_NOISE = frozenset(
    """
    however but and so meanwhile still also yet now instead indeed moreover thus later
    then earlier today yesterday separately previously last next on in at
    """.split()  # noqa: SIM905
)

# Words after which a capitalised source ends ("Donald Trump in a call with …").
PREPOSITIONS_AFTER_NAME = frozenset(
    ["in", "at", "during", "on", "with", "after", "before", "from", "a", "while"]
)

# Time adverbials between a source and its cue, or a cue and its content.
DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
WEEKDAYS = frozenset(DAYS.split("|"))
TIME_LEAD = re.compile(
    rf"^(?:(?:on|late|early|last|this)\s+)?(?:(?:{DAYS})(?:\s+(?:morning|afternoon|evening|night))?"
    r"|yesterday|today|tonight|earlier|later|recently|last\s+(?:week|month|year|night)"
    r"|this\s+(?:week|month|year)|in\s+(?:a|an|his|her|their)\s+"
    r"(?:statement|interview|tweet|speech|email|post|op-ed)|on\s+Twitter|in\s+\w+\s+comments"
    r"|further|again|also)\b[\s,]*"
)

# Vague ("some analysts", "reportedly") and anonymous ("a source familiar with …") sources.
_VAGUE_HEADS = (
    r"analysts|experts|critics|observers|commentators|pundits|economists|officials|"
    r"diplomats|insiders|reports|people|many|some|others|supporters|opponents|skeptics|"
    r"lawmakers|scholars|historians|sources"
)
VAGUE_SUBJECT = re.compile(
    rf"(?:(?:some|many|several|other|most|a\s+number\s+of|a\s+few|certain)\s+(?:\w+\s+)?"
    rf"(?:{_VAGUE_HEADS})|(?:critics|observers|analysts|experts|commentators|pundits))\b",
    re.IGNORECASE,
)
ANONYMOUS = re.compile(
    r"\b(?:familiar\s+with|anonymity|not\s+authorized|declined\s+to\s+be\s+(?:named|identified)|"
    r"unnamed|anonymous|who\s+asked\s+not\s+to\s+be)\b|^(?:a|an|another|the|two|three|several)?\s*"
    r"(?:\w+\s+)?(?:source|sources|insider|insiders)\b",
    re.IGNORECASE,
)
VAGUE_SOURCE = re.compile(
    rf"^(?:some|many|several|other|most|certain)\b|^(?:{_VAGUE_HEADS})$", re.I
)

# A title before or in a source and the kind of source it makes.
TITLE_KINDS: tuple[tuple[re.Pattern[str], SourceKind], ...] = (
    (re.compile(r"\bvice[- ]president\b", re.I), SourceKind.official),
    (
        re.compile(
            r"\b(?:president|prime\s+minister|premier|chancellor|king|queen|emir|"
            r"supreme\s+leader|head\s+of\s+state)\b",
            re.I,
        ),
        SourceKind.head_of_state,
    ),
    (re.compile(r"\banalyst\b", re.I), SourceKind.analyst),
    (
        re.compile(
            r"\b(?:expert|professor|economist|scientist|researcher|historian|scholar|"
            r"pollster|strategist)\b",
            re.I,
        ),
        SourceKind.expert,
    ),
    (
        re.compile(
            r"\b(?:minister|spokes(?:man|woman|person)|secretary|senator|sen\.|rep\.|"
            r"governor|gov\.|mayor|ambassador|official|general|lawmaker|congress(?:man|woman)|"
            r"commissioner|director|chief|attorney\s+general|speaker|adviser|advisor|aide)\b",
            re.I,
        ),
        SourceKind.official,
    ),
    (
        re.compile(
            r"\b(?:ministry|department|agency|kremlin|white\s+house|pentagon|government|"
            r"council|commission|court|parliament|congress|senate|administration|police)\b",
            re.I,
        ),
        SourceKind.government_body,
    ),
)

# Words that make a capitalised run an organisation, not a person.
ORG_WORDS = frozenset(
    """
    association network district council bank college ministry agency authority board
    institute corporation commission committee university department office service union
    party court company group securities analytics energy school development relief times
    news press herald post journal fund foundation trust society club league federation
    organisation organization centre center hospital police army navy government
    parliament senate congress house assembly kremlin pentagon bureau station exchange
    airlines airways holdings partners capital research economics trade industries
    """.split()  # noqa: SIM905
)

# Words dropped from the edges of a name ("Russian President Vladimir Putin").
NAME_TITLES = frozenset(
    """
    president prime minister chancellor senator sen. rep. gov. governor secretary
    general gen. mr. mrs. ms. dr. king queen pope mayor judge justice chairman director
    speaker leader vice former democratic republican gop state foreign defense finance
    white house u.s. us presidential candidate nominee ambassador commissioner analyst
    editor spokesman spokeswoman minister first lady sir lord prof professor alhaji
    chief captain coach superintendent councilmember councillor alderman ald deputy
    associate assistant secretary-general director-general
    """.split()  # noqa: SIM905
)

# An outlet named by its words: "Finnish media", "state media", "the daily".
MEDIA_WORDS = re.compile(
    r"^(?:the\s+)?((?:[A-Z][\w’'-]+\s+)?(?:state\s+)?(?:media|press|television|TV|news\s+agency|"
    r"newspaper|daily|radio|broadcaster))\b"
)

# Words before a name that are not part of it.
DETERMINERS = frozenset(["the", "a", "an", "this", "these", "those", "its", "his", "her", "their"])

# Verbs of hoping and seeming: in the author's voice ("it seems", "if they hope to") they are
# a hedge, not an attribution.
HEDGE_CUES = frozenset(
    """
    seem seems seemed seeming appear appears appeared appearing hope hopes hoped hoping
    """.split()  # noqa: SIM905
)

# Cues strong enough for a rules-only attribution the learned tagger does not confirm.
STRONG_CUES = frozenset(
    ["said", "says", "say", "told", "tells", "according to", "―", "—", "wrote", "added", "asked"]
)
