"""factcheck's web UI: `streamlit run app.py` (or `bash scripts/run.sh`)."""

import streamlit as st

from factcheck.ui.common import reviewer_sidebar

st.set_page_config(page_title="factcheck", page_icon="🔎", layout="wide")

PAGES = [
    st.Page("factcheck/ui/pages/articles.py", title="Articles", icon="📰", default=True),
    st.Page("factcheck/ui/pages/annotate.py", title="Annotate", icon="✍️"),
    st.Page("factcheck/ui/pages/sources.py", title="Sources", icon="🏛️"),
    st.Page("factcheck/ui/pages/export.py", title="Export", icon="⬇️"),
]

navigation = st.navigation(PAGES)
reviewer_sidebar()
navigation.run()
