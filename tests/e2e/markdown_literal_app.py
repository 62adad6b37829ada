"""A page for `test_browser_markdown_injection.py`: each string of the JSON list named by
FACTCHECK_MARKDOWN_SAMPLES through `markdown_literal`, inside a line and as a whole element
(st.markdown), and as a button label, so the browser's rendering can be compared with the
strings themselves."""

from __future__ import annotations

import json
import os
from pathlib import Path

import streamlit as st

from factcheck.domain.display import markdown_literal

samples = json.loads(Path(os.environ["FACTCHECK_MARKDOWN_SAMPLES"]).read_text(encoding="utf-8"))
for index, text in enumerate(samples):
    st.markdown(f"Title: {markdown_literal(text)} (end)")
    st.markdown(markdown_literal(text))
    st.button(f"Label: {markdown_literal(text)} (end)", key=f"label_{index}")
st.caption("rendered")
