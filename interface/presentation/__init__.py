"""What the API (``interface.http``) and the pages (``interface.web``) both use, so that
neither imports the other (an import-linter independence contract keeps it so)."""
