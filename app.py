"""factcheck's web UI: `streamlit run app.py` (or `bash scripts/run.sh`)."""

import streamlit as st

from factcheck.ui.common import pages, reviewer_sidebar

st.set_page_config(page_title="factcheck", page_icon=":material/fact_check:", layout="wide")

navigation = st.navigation(pages())
reviewer_sidebar()
navigation.run()
