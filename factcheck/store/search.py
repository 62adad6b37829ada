"""The full-text document of an article on PostgreSQL, in one place: migration 0009 indexes
this expression and the search query repeats it (the planner uses an expression index only
for the same expression). SQLite's FTS5 table is declared in the migration itself."""

PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(outlet, '') "
    "|| ' ' || left(text, 200000))"
)
