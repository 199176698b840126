"""The core of the child-protection target dashboard. Never imports streamlit."""
