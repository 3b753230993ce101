"""Audit services: hash-chain verification, Merkle leaves, replays."""
