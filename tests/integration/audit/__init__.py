"""The audit trail's guarantees, checked on the database itself."""
