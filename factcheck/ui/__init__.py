"""The Streamlit pages. They arrange widgets and call factcheck's services; nothing else."""
