"""Storage: the event store's recorders and configuration, the SQL engine, and the tables."""
