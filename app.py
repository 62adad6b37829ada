"""factcheck's web UI: `streamlit run app.py` (or `bash scripts/run.sh`)."""

import streamlit as st

from factcheck.ui.common import reviewer_sidebar

st.set_page_config(page_title="factcheck", page_icon=":material/fact_check:", layout="wide")

PAGES = [
    st.Page(
        "factcheck/ui/pages/articles.py",
        title="Articles",
        icon=":material/newspaper:",
        default=True,
    ),
    st.Page("factcheck/ui/pages/annotate.py", title="Annotate", icon=":material/edit_note:"),
    st.Page("factcheck/ui/pages/sources.py", title="Sources", icon=":material/account_tree:"),
    st.Page("factcheck/ui/pages/export.py", title="Export", icon=":material/download:"),
    st.Page("factcheck/ui/pages/review.py", title="Review", icon=":material/rate_review:"),
]

navigation = st.navigation(PAGES)
reviewer_sidebar()
navigation.run()
