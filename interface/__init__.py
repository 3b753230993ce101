"""HTTP API, CLI and settings: the ways in to KAP Journeys."""
