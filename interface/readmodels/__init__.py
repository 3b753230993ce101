"""Read-model tables (SQLAlchemy) in the events' database, kept by projections."""
