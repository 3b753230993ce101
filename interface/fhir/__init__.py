"""FHIR R4 out: a journey as a ``Bundle`` of plain dicts, and a clinic as Bulk Data NDJSON.

An outward format like the web pages: it reads the journey through the application's
use cases and maps what it finds, so nothing here decides anything. The codes it uses
are listed, with their systems and sources, in docs/fhir.md.
"""
