"""The dashboard's pages, grouped by what they show."""
