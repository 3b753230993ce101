"""Use cases of KAP Journeys on the eventsourcing Application."""
