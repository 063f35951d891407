"""The Streamlit dashboard: app.py is the entry point, app_pages/ holds the pages."""
