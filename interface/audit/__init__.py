"""Audit records kept beside the journeys: who read what, when and why."""
