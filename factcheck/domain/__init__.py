"""The pure domain: text splitting, chains, scoring, agreement, rendering, forms. No
Session, no Streamlit, no database: everything here is a function of its arguments, and
property-tested as such."""
