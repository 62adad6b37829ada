"""Inter-reviewer agreement: Krippendorff's alpha per field, Cohen's kappa per reviewer pair, and
how far reviewers' attribution chains coincide.

Pure functions over `Rating` records or a `RatingTable` of them (no database), so the same
figures come out whether the ratings were read from the database or pooled from CSV files of
reviewers who worked offline.

Choices that change the numbers, in one place:
- F (reliability cannot be judged) and 6 (truth cannot be judged) are *missing*, not the worst
  grade (docs/domain.md, "Sourcing rating"): a reviewer who cannot judge has not disagreed with anyone.
- Adjudicated (final) ratings are left out: they settle disagreement, they are not a rater.
- A reviewer rating the same claim twice (pooled CSVs) counts once: the last record wins.
- Everything is computed with numpy over integer codes, Python touching only distinct values
  (grades, names, chains), so 500,000 ratings take under half a second once loaded.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt

from factcheck.domain.names import name_key

Level = Literal["nominal", "ordinal", "interval", "ratio"]

LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
FIELDS: tuple[str, ...] = ("information_credibility", "source_reliability", "attribution_type")
GRADE_FIELDS: tuple[str, ...] = ("information_credibility", "source_reliability")
DEFAULT_LEVELS: dict[str, Level] = {
    "information_credibility": "ordinal",
    "source_reliability": "ordinal",
    "attribution_type": "nominal",
}

# Codes 0..4 stand for the scale points 1..5; "cannot be judged" maps to MISSING.
MISSING = -1
RELIABILITY_CODES: dict[str, int] = {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4}
RELIABILITY_UNJUDGED = "F"
CREDIBILITY_CODES: dict[int, int] = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4}
CREDIBILITY_UNJUDGED = 6
GRADE_DOMAIN = np.array([1.0, 2.0, 3.0, 4.0, 5.0])

# Ratings per slice when pairing a claim's ratings for kappa: bounds the memory of the pairs
# (a slice of claims rated by 20 reviewers each makes 9.5 pairs per rating).
PAIR_SLICE = 200_000


@dataclass(frozen=True, slots=True)
class Rating:
    """One reviewer's rating of one claim, reduced to what agreement looks at.

    `final` marks an adjudicator's settlement; such records are ignored by `agreement_report`
    so callers may pass everything they loaded without filtering first.
    """

    claim_id: int | str
    reviewer: str
    attribution_type: str | None = None
    source_reliability: str | None = None
    information_credibility: int | None = None
    chain: tuple[str, ...] = ()
    final: bool = False


class Numbering(dict[Any, int]):
    """Numbers keys in order of first sight: `map(numbering.__getitem__, values)` runs in C
    for every value already seen, so a column of 500,000 cells is coded without a loop body."""

    def __missing__(self, key: Any) -> int:
        number = self[key] = len(self)
        return number


@dataclass(frozen=True, slots=True)
class Column:
    """One field of many ratings, dictionary-coded: rating i holds `values[codes[i]]`.

    A project has few distinct grades, types, reviewers and chains, so agreement works on the
    small `values` list and numpy arrays of codes instead of a Python object per rating.
    `values` may repeat (a loader may code "" and None apart) and may hold values no rating
    uses."""

    codes: npt.NDArray[np.int64]
    values: list[Any]

    @classmethod
    def encode(cls, cells: Iterable[Any], size: int = -1) -> Column:
        """Code `cells` (hashable) in order of first appearance."""
        numbering = Numbering()
        codes = np.fromiter(map(numbering.__getitem__, cells), np.int64, size)
        return cls(codes, list(numbering))

    def take(self, index: npt.NDArray[np.int64]) -> Column:
        return Column(self.codes[index], self.values)

    def used(self) -> npt.NDArray[np.bool_]:
        """Which `values` some rating holds (a value no rating holds must not count)."""
        seen = np.zeros(len(self.values), dtype=np.bool_)
        seen[self.codes] = True
        return seen

    def cells(self) -> list[Any]:
        return list(map(self.values.__getitem__, self.codes.tolist()))


RATING_FIELDS: tuple[str, ...] = (
    "claim_id",
    "reviewer",
    "attribution_type",
    "source_reliability",
    "information_credibility",
    "chain",
)


# The rated columns of a ratings CSV; a sheet may carry any of them (at least one).
RATED_COLUMNS: tuple[str, ...] = RATING_FIELDS[2:]


def without_columns(report: dict[str, Any], missing: Sequence[str]) -> dict[str, Any]:
    """The report with the figures of rated columns a ratings CSV did not have left out (not
    shown as "no agreement"), and a note saying so for each."""
    if not missing:
        return report
    kept = {key: value for key, value in report.items() if key not in missing}
    if "chain" in missing:
        kept.pop("chains", None)
    kept["pairwise"] = [p for p in report["pairwise"] if p["field"] not in missing]
    kept["notes"] = [f"{column}: not a column of the ratings CSV, left out" for column in missing]
    return kept


@dataclass(frozen=True, eq=False)
class RatingTable(Sequence[Rating]):
    """Non-final ratings column by column: what `agreement_report` computes on.

    The database loader fills the columns straight from the driver's rows; building 500,000
    `Rating` objects and reading their attributes back cost more than the statistics. It is
    still a sequence of `Rating` (made on access) for callers that look at single ratings."""

    claim_id: Column
    reviewer: Column
    attribution_type: Column
    source_reliability: Column
    information_credibility: Column
    chain: Column

    @classmethod
    def from_ratings(cls, ratings: Iterable[Rating]) -> RatingTable:
        """The table of `ratings` without the final ones."""
        rows = [rating for rating in ratings if not rating.final]
        columns: dict[str, Column] = {}
        for field in RATING_FIELDS:
            cells = list(map(attrgetter(field), rows))
            try:
                columns[field] = Column.encode(cells, len(cells))
            except TypeError:  # an unhashable cell
                if field not in _SCALES:
                    raise
                bad = next(v for v in cells if not isinstance(v, Hashable))
                raise ValueError(_refusal(field, bad)) from None
        return cls(**columns)

    def __len__(self) -> int:
        return int(self.claim_id.codes.size)

    def __iter__(self) -> Iterator[Rating]:
        for cells in zip(*(getattr(self, field).cells() for field in RATING_FIELDS), strict=True):
            yield Rating(*cells)

    @overload
    def __getitem__(self, index: int) -> Rating: ...
    @overload
    def __getitem__(self, index: slice) -> list[Rating]: ...
    def __getitem__(self, index: int | slice) -> Rating | list[Rating]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("rating index out of range")
        return Rating(
            *(
                column.values[column.codes[index]]
                for column in (getattr(self, field) for field in RATING_FIELDS)
            )
        )

    def take(self, index: npt.NDArray[np.int64]) -> RatingTable:
        return RatingTable(*(getattr(self, field).take(index) for field in RATING_FIELDS))


@dataclass(frozen=True)
class _Coded:
    """One field of the deduplicated ratings as integer codes (MISSING where not rated)."""

    codes: npt.NDArray[np.int16]
    domain: npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Prepared:
    """Deduplicated ratings with claims and reviewers numbered in sorted order."""

    table: RatingTable
    unit_idx: npt.NDArray[np.int64]
    reviewer_idx: npt.NDArray[np.int64]
    n_units: int
    names: list[str]


def agreement_report(
    ratings: Iterable[Rating] | RatingTable, level: str | None = None
) -> dict[str, Any]:
    """Agreement over `ratings`: alpha per field, kappa per reviewer pair per field, chains.

    `level` overrides the level of measurement of the two grade fields (attribution type is a
    category and always nominal). The result is JSON-ready::

        {"information_credibility": {"level", "alpha", "units", "reviewers"},
         "source_reliability": {...}, "attribution_type": {...},
         "pairwise": [{"reviewers": [a, b], "field", "kappa", "units"}, ...],
         "chains": {"units", "reviewers", "exact_match_share", "mean_hop_overlap"}}

    `units` counts the claims with at least two ratings of that field (only those carry
    information about agreement); `reviewers` counts who rated any of them. A figure that cannot
    be computed (no such claim, or no variation at all) is None rather than NaN.
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    prepared = _prepare(ratings)
    table, unit_idx, reviewer_idx, n_units = (
        prepared.table,
        prepared.unit_idx,
        prepared.reviewer_idx,
        prepared.n_units,
    )
    coded = {
        "information_credibility": _code_grades(
            table.information_credibility, "information_credibility"
        ),
        "source_reliability": _code_grades(table.source_reliability, "source_reliability"),
        "attribution_type": _code_categories(table.attribution_type),
    }
    report: dict[str, Any] = {}
    for field in FIELDS:
        field_level: Level = DEFAULT_LEVELS[field]
        if level is not None and field in GRADE_FIELDS:
            field_level = level
        alpha, units, reviewers = _alpha(unit_idx, reviewer_idx, coded[field], n_units, field_level)
        report[field] = {
            "level": field_level,
            "alpha": alpha,
            "units": units,
            "reviewers": reviewers,
        }
    report["pairwise"] = _pairwise(unit_idx, reviewer_idx, coded, n_units, prepared.names)
    report["chains"] = _chains(prepared)
    return report


# ---------------------------------------------------------------- preparing the data


def _prepare(ratings: Iterable[Rating] | RatingTable) -> _Prepared:
    """Drop final ratings, number claims and reviewers, keep one rating per (claim, reviewer).

    Claims and reviewers are numbered in sorted order, not input order, so the database and a
    CSV listing the same ratings in other orders give bit-identical figures (every
    floating-point sum runs in the same order). A repeated (claim, reviewer) keeps its last
    rating; duplicates are found with numpy rather than a dict of 500,000 tuple keys."""
    table = ratings if isinstance(ratings, RatingTable) else RatingTable.from_ratings(ratings)
    unit_of_value, n_units = _claim_numbers(table.claim_id)
    reviewer_of_value, names = _sorted_numbers(table.reviewer)
    unit_idx = unit_of_value[table.claim_id.codes]
    reviewer_idx = reviewer_of_value[table.reviewer.codes]
    pair_key = unit_idx * max(len(names), 1) + reviewer_idx
    # Rows sorted by claim then reviewer (no figure depends on row order), which makes the
    # later sorts by claim cheap; with a quicksort, as keys normally repeat nowhere (the
    # database's unique key), and a stable sort only to settle repeats, last one kept.
    keep = np.argsort(pair_key)
    ordered = pair_key[keep]
    repeated = ordered[1:] == ordered[:-1]
    if repeated.any():
        keep = np.argsort(pair_key, kind="stable")
        last = np.append(pair_key[keep][1:] != pair_key[keep][:-1], True)
        keep = keep[last]
    table = table.take(keep)
    return _Prepared(table, unit_idx[keep], reviewer_idx[keep], n_units, names)


def _sorted_numbers(
    column: Column, key: Callable[[Any], Any] | None = None
) -> tuple[npt.NDArray[np.int64], list[Any]]:
    """Each of the column's values numbered by its rank among the distinct values in use
    (-1 if unused), and those distinct values in order."""
    used = column.used().tolist()
    distinct = sorted({v for v, on in zip(column.values, used, strict=True) if on}, key=key)
    rank_of = {value: i for i, value in enumerate(distinct)}
    ranks = np.fromiter(
        (rank_of[v] if on else -1 for v, on in zip(column.values, used, strict=True)),
        np.int64,
        len(column.values),
    )
    return ranks, distinct


def _claim_numbers(column: Column) -> tuple[npt.NDArray[np.int64], int]:
    """`_sorted_numbers` of claim ids (ints before strings) and how many there are: with numpy
    when every id is an int, as from the database, where 200,000 ids sort in milliseconds."""
    values = column.values
    if values and all(type(v) is int for v in values):
        try:
            ids = np.array(values, dtype=np.int64)
        except OverflowError:
            pass
        else:
            used = column.used()
            distinct, ranks = np.unique(ids[used], return_inverse=True)
            numbers = np.full(len(values), -1, dtype=np.int64)
            numbers[used] = ranks
            return numbers, int(distinct.size)
    numbers, distinct_ids = _sorted_numbers(column, _claim_order)
    return numbers, len(distinct_ids)


def _claim_order(claim_id: int | str) -> tuple[bool, int | str]:
    return (isinstance(claim_id, str), claim_id)


RELIABILITY_TABLE: dict[Any, int] = {
    **RELIABILITY_CODES,
    RELIABILITY_UNJUDGED: MISSING,
    None: MISSING,
    "": MISSING,
}
CREDIBILITY_TABLE: dict[Any, int] = {
    **CREDIBILITY_CODES,
    CREDIBILITY_UNJUDGED: MISSING,
    None: MISSING,
}
_SCALES: dict[str, str] = {
    "source_reliability": "A–F",
    "information_credibility": "1–6",
    "attribution_type": "the attribution types",
}
_GRADE_TABLES: dict[str, dict[Any, int]] = {
    "source_reliability": RELIABILITY_TABLE,
    "information_credibility": CREDIBILITY_TABLE,
}


def _refusal(field: str, bad: Any) -> str:
    return f"{field.replace('_', ' ')} must be one of {_SCALES[field]}, got {bad!r}"


def _encode(column: Column, field: str, table: dict[Any, int]) -> npt.NDArray[np.int16]:
    """The column's cells as int16 codes through `table`, looked up once per distinct value;
    a value in use outside the table is a caller's bug worth a clear message, not a gap."""
    lookup = np.full(len(column.values), MISSING, dtype=np.int16)
    for i, (value, on) in enumerate(zip(column.values, column.used().tolist(), strict=True)):
        if not on:
            continue
        try:
            lookup[i] = table[value]
        except (KeyError, TypeError):
            raise ValueError(_refusal(field, value)) from None
    return lookup[column.codes]


def _code_grades(column: Column, field: str) -> _Coded:
    return _Coded(_encode(column, field, _GRADE_TABLES[field]), GRADE_DOMAIN)


def _code_categories(column: Column) -> _Coded:
    """Attribution types as codes 0..k-1 in name order; blank is missing."""
    used = column.used().tolist()
    categories = sorted({v for v, on in zip(column.values, used, strict=True) if on and v})
    table: dict[Any, int] = {name: i for i, name in enumerate(categories)}
    table.update({None: MISSING, "": MISSING})
    codes = _encode(column, "attribution_type", table)
    return _Coded(codes, np.arange(len(categories), dtype=np.float64))


# ---------------------------------------------------------------- Krippendorff's alpha


def _alpha(
    unit_idx: npt.NDArray[np.int64],
    reviewer_idx: npt.NDArray[np.int64],
    coded: _Coded,
    n_units: int,
    level: Level,
) -> tuple[float | None, int, int]:
    """Alpha from a units × values count table built with one bincount (`alpha_from_counts`;
    the `krippendorff` package's reliability-matrix path compares every cell with every value,
    which is slow and memory-hungry at this size). Units with fewer than two values are dropped
    first: they add nothing to the coincidence matrix."""
    valid = coded.codes != MISSING
    units = unit_idx[valid]
    values = coded.codes[valid].astype(np.int64)
    width = len(coded.domain)
    if width == 0 or units.size == 0:
        return None, 0, 0
    counts = np.bincount(units * width + values, minlength=n_units * width).reshape(n_units, width)
    pairable = counts.sum(axis=1) >= 2
    n_pairable = int(pairable.sum())
    if n_pairable == 0:
        return None, 0, 0
    raters = _count_distinct(reviewer_idx[valid][pairable[units]])
    if width < 2:
        return None, n_pairable, raters
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(alpha_from_counts(counts[pairable], coded.domain, level))
    return (value if np.isfinite(value) else None), n_pairable, raters


def alpha_from_counts(
    counts: npt.NDArray[np.int64], domain: npt.NDArray[np.float64], level: Level
) -> float:
    """Krippendorff's alpha from a units × values count table (every unit with two values or
    more), computed as the `krippendorff` package does, but with the coincidence matrix as
    one matrix product: the package builds a units × values × values array first, which was
    the slowest step of a 500,000-rating report. Tests check it against the package."""
    table = counts.astype(np.float64)
    weighted = table / (table.sum(axis=1) - 1)[:, np.newaxis]
    observed = weighted.T @ table - np.diag(weighted.sum(axis=0))
    n_v = observed.sum(axis=0)
    expected = (np.outer(n_v, n_v) - np.diag(n_v)) / (n_v.sum() - 1)
    distance = _distances(domain, level, n_v)
    return float(1 - (observed * distance).sum() / (expected * distance).sum())


def _distances(
    domain: npt.NDArray[np.float64], level: Level, n_v: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Squared distances between the domain's values at `level` (Krippendorff 2011)."""
    first, second = domain[:, np.newaxis], domain[np.newaxis, :]
    if level == "nominal":
        return (first != second).astype(np.float64)
    if level == "interval":
        return ((first - second) ** 2).astype(np.float64)
    if level == "ratio":
        total = first + second
        ratio = np.divide(
            first - second, total, out=np.zeros(np.broadcast(first, second).shape), where=total != 0
        )
        return ratio**2
    index = np.arange(len(domain))
    low = np.minimum(index[:, np.newaxis], index[np.newaxis, :])
    high = np.maximum(index[:, np.newaxis], index[np.newaxis, :])
    cumulative = np.concatenate(([0.0], np.cumsum(n_v)))
    between = cumulative[high + 1] - cumulative[low]  # n_v summed from low to high, inclusive
    return (between - (n_v[low] + n_v[high]) / 2) ** 2


# ---------------------------------------------------------------- Cohen's kappa


def cohen_kappa(first: Sequence[Any], second: Sequence[Any]) -> float | None:
    """Unweighted Cohen's kappa of two raters over the same items (None where either is missing
    is skipped). None when undefined: no common item, or both raters used a single category, so
    chance agreement is already 1."""
    pairs = [(a, b) for a, b in zip(first, second, strict=True) if a is not None and b is not None]
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    left: dict[Any, int] = {}
    right: dict[Any, int] = {}
    for a, b in pairs:
        left[a] = left.get(a, 0) + 1
        right[b] = right.get(b, 0) + 1
    expected = sum(count * right.get(value, 0) for value, count in left.items()) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def _pairwise(
    unit_idx: npt.NDArray[np.int64],
    reviewer_idx: npt.NDArray[np.int64],
    coded: dict[str, _Coded],
    n_units: int,
    names: list[str],
) -> list[dict[str, Any]]:
    """Kappa for every reviewer pair sharing at least one rated claim, every field at once.

    Counts come from the pairs of ratings of the same claim (a claim has a handful of
    ratings, so there are few pairs): per reviewer pair, common units N, agreements A, and
    C_v[a, b], how often a gave v on units b also rated; chance agreement is
    Σ_v C_v ∘ C_vᵀ / N². Same figure as `cohen_kappa` on each pair, with bincounts instead of
    a Python loop over pairs or units (and instead of reviewer × unit matrix products, which
    cost more at 500,000 ratings). Claims are taken in slices to bound the memory of pairs.
    """
    n_reviewers = len(names)
    cells = n_reviewers * n_reviewers
    results: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for field in FIELDS:
        codes = coded[field].codes
        width = len(coded[field].domain)
        valid = codes != MISSING
        if width == 0 or not valid.any():
            continue
        order = np.argsort(unit_idx[valid], kind="stable")
        units = unit_idx[valid][order]
        raters = reviewer_idx[valid][order]
        values = codes[valid][order].astype(np.int64)
        common = np.zeros(cells, dtype=np.int64)
        agree = np.zeros(cells, dtype=np.int64)
        given = np.zeros(width * cells, dtype=np.int64)
        start = 0
        while start < units.size:
            # End the slice on a claim boundary so no claim's pairs are split.
            stop = int(np.searchsorted(units, units[min(start + PAIR_SLICE, units.size - 1)]))
            stop = units.size if stop <= start else stop
            left, right = _pairs_within_groups(units[start:stop])
            left, right = left + start, right + start
            first, second = raters[left], raters[right]
            value_first, value_second = values[left], values[right]
            forward, backward = first * n_reviewers + second, second * n_reviewers + first
            common += np.bincount(forward, minlength=cells) + np.bincount(backward, minlength=cells)
            same = value_first == value_second
            agree += np.bincount(forward[same], minlength=cells) + np.bincount(
                backward[same], minlength=cells
            )
            given += np.bincount(value_first * cells + forward, minlength=width * cells)
            given += np.bincount(value_second * cells + backward, minlength=width * cells)
            start = stop
        common_ab = common.reshape(n_reviewers, n_reviewers).astype(np.float64)
        agree_ab = agree.reshape(n_reviewers, n_reviewers).astype(np.float64)
        given_vab = given.reshape(width, n_reviewers, n_reviewers).astype(np.float64)
        chance = np.einsum("vab,vba->ab", given_vab, given_vab)
        for a in range(n_reviewers):
            for b in range(a + 1, n_reviewers):
                n = common_ab[a, b]
                if n == 0:
                    continue
                observed = agree_ab[a, b] / n
                expected = chance[a, b] / (n * n)
                kappa = None if expected >= 1.0 - 1e-12 else (observed - expected) / (1 - expected)
                results.setdefault((a, b), []).append(
                    {
                        "reviewers": [names[a], names[b]],
                        "field": field,
                        "kappa": None if kappa is None else float(kappa),
                        "units": int(n),
                    }
                )
    return [entry for pair in sorted(results) for entry in results[pair]]


# ---------------------------------------------------------------- chains


def chain_agreement(ratings: Iterable[Rating] | RatingTable) -> dict[str, Any]:
    """How far reviewers' chains for the same claim coincide.

    Only non-empty chains count (an empty chain means "not recorded", like a missing grade),
    and only claims with chains from at least two reviewers (`units`). Hop names are compared
    by the one name key of people and outlets (`factcheck.domain.names.name_key`: "The Guardian" =
    "guardian "), as the registry and the Review page compare them.

    - `exact_match_share`: share of those claims where every reviewer gave the same hops in
      the same order.
    - `mean_hop_overlap`: per claim, the mean over reviewer pairs of the Jaccard index of their
      sets of hop names (|A ∩ B| / |A ∪ B|; order ignored), then the mean over claims, so a
      claim rated by many reviewers weighs no more than one rated by two.

    Final ratings and repeats are dropped as in `agreement_report`.
    """
    return _chains(_prepare(ratings))


def _chains(prepared: _Prepared) -> dict[str, Any]:
    """`chain_agreement` of prepared ratings: numpy over chain numbers, Python only per
    distinct chain (a project has far fewer distinct chains than ratings)."""
    unit_idx, reviewer_idx, n_units = prepared.unit_idx, prepared.reviewer_idx, prepared.n_units
    empty: dict[str, Any] = {
        "units": 0,
        "reviewers": 0,
        "exact_match_share": None,
        "mean_hop_overlap": None,
    }
    # Number distinct chains by their normalised form, in sorted order (input order must not
    # matter, see `_prepare`); each distinct raw chain is normalised once however many
    # reviewers gave it, and each hop name once however many chains hold it.
    column = prepared.table.chain
    chains_in_use = [
        chain if on and chain else None
        for chain, on in zip(column.values, column.used().tolist(), strict=True)
    ]
    name_keys = {
        name: name_key(name)
        for name in set(itertools.chain.from_iterable(filter(None, chains_in_use)))
    }
    key_of_value = [
        None if chain is None else tuple(map(name_keys.__getitem__, chain))
        for chain in chains_in_use
    ]
    keys = sorted({key for key in key_of_value if key is not None})
    id_of_key = {key: i for i, key in enumerate(keys)}
    lookup = np.fromiter(
        (-1 if key is None else id_of_key[key] for key in key_of_value),
        np.int64,
        len(key_of_value),
    )
    chain_ids = lookup[column.codes]
    has_chain = chain_ids >= 0
    units, raters, chains = unit_idx[has_chain], reviewer_idx[has_chain], chain_ids[has_chain]
    per_unit = np.bincount(units, minlength=n_units)
    rated = per_unit >= 2
    n_rated = int(rated.sum())
    if n_rated == 0:
        return empty
    keep = rated[units]
    units, raters, chains = units[keep], raters[keep], chains[keep]

    # Distinct (claim, chain) entries with how many reviewers gave that chain, claim-ordered.
    n_chains = len(keys)
    entries, copies = np.unique(units * n_chains + chains, return_counts=True)
    entry_unit, entry_chain = entries // n_chains, entries % n_chains
    distinct_per_unit = np.bincount(entry_unit, minlength=n_units)
    exact = int((distinct_per_unit[rated] == 1).sum())

    # Pairs of reviewers on a claim: identical chains overlap fully (c·(c-1)/2 pairs each);
    # each pair of distinct chains i < j on the claim adds c_i·c_j pairs of Jaccard J(i, j).
    same_pairs = np.bincount(entry_unit, weights=copies * (copies - 1) / 2.0, minlength=n_units)
    left, right = _pairs_within_groups(entry_unit)
    overlap = same_pairs
    if left.size:
        pair_keys = np.minimum(entry_chain[left], entry_chain[right]) * n_chains + np.maximum(
            entry_chain[left], entry_chain[right]
        )
        unique_keys, inverse = np.unique(pair_keys, return_inverse=True)
        jaccard = _HopSets(keys).jaccard(unique_keys // n_chains, unique_keys % n_chains)
        weights = copies[left] * copies[right] * jaccard[inverse]
        overlap = overlap + np.bincount(entry_unit[left], weights=weights, minlength=n_units)
    k = per_unit[rated].astype(np.float64)
    mean_overlap = float(np.mean(overlap[rated] / (k * (k - 1) / 2.0)))
    return {
        "units": n_rated,
        "reviewers": _count_distinct(raters),
        "exact_match_share": exact / n_rated,
        "mean_hop_overlap": mean_overlap,
    }


class _HopSets:
    """The sets of hop names of chains, as one sorted array of (chain, name) numbers, so the
    Jaccard index of hundreds of thousands of chain pairs takes a few array operations
    instead of a Python set operation per pair."""

    def __init__(self, chains: list[tuple[str, ...]]) -> None:
        names = {name: i for i, name in enumerate(set(itertools.chain.from_iterable(chains)))}
        self.width = max(len(names), 1)
        lengths = np.fromiter(map(len, chains), np.int64, len(chains))
        flat = np.fromiter(
            map(names.__getitem__, itertools.chain.from_iterable(chains)),
            np.int64,
            int(lengths.sum()),
        )
        owner = np.repeat(np.arange(len(chains), dtype=np.int64), lengths)
        members = np.sort(owner * self.width + flat)
        # A repeated hop counts once.
        self.members = members[np.append(True, members[1:] != members[:-1])]
        self.sizes = np.bincount(self.members // self.width, minlength=len(chains))
        self.starts = np.cumsum(self.sizes) - self.sizes

    def jaccard(
        self, first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float64]:
        """|A ∩ B| / |A ∪ B| of the hop sets of each pair first[i], second[i] (1 if both are
        empty): every name of the first chain is looked up among the second's."""
        counts = self.sizes[first]
        total = int(counts.sum())
        pair = np.repeat(np.arange(first.size), counts)
        offset = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        names = self.members[self.starts[first][pair] + offset] % self.width
        wanted = second[pair] * self.width + names
        found = np.searchsorted(self.members, wanted).clip(max=max(self.members.size - 1, 0))
        hits = self.members[found] == wanted if self.members.size else np.zeros(0, np.bool_)
        common = np.bincount(pair[hits], minlength=first.size)
        union = counts + self.sizes[second] - common
        # Exact integers divided once, as Python's len(a & b) / len(a | b) would.
        return np.divide(common, union, out=np.ones(first.size, dtype=np.float64), where=union > 0)


def _count_distinct(small: npt.NDArray[np.int64]) -> int:
    """How many distinct numbers (reviewer numbers: small and non-negative) `small` holds;
    a bincount, as numpy 2's `np.unique` of a plain array hashes and is slower."""
    return int(np.count_nonzero(np.bincount(small))) if small.size else 0


def _pairs_within_groups(
    group: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """All index pairs i < j with group[i] == group[j], for a sorted `group` array, without a
    Python loop: entry i pairs with every later entry up to the end of its group."""
    n = group.size
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    boundaries = np.flatnonzero(np.diff(group)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [n]))
    group_end = np.repeat(ends, ends - starts)
    later = group_end - np.arange(n) - 1
    total = int(later.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    left = np.repeat(np.arange(n), later)
    run_start = np.repeat(np.cumsum(later) - later, later)
    right = left + 1 + (np.arange(total) - run_start)
    return left, right
