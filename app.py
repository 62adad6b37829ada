"""factcheck's web UI: `streamlit run app.py` (or `bash scripts/run.sh`)."""

import streamlit as st

from factcheck.ui.common import count_run, pages, require_sign_in, reviewer_sidebar

st.set_page_config(page_title="factcheck", page_icon=":material/fact_check:", layout="wide")

count_run()
navigation = st.navigation(pages())
reviewer_sidebar()
require_sign_in()
navigation.run()
