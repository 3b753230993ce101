"""Tamper evidence: canonical hashing, hash chains and Merkle trees (stdlib only)."""
