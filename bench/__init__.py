"""Benchmarks of KAP Journeys, run with ``python -m bench`` (``make bench``).

Every figure is reported as a ratio against a baseline measured in the same run on the
same machine and database (the bare ``eventsourcing`` library, or raw psycopg), so the
numbers say what this project's code costs on top of what it is built on. Nothing here
asserts on a time.
"""
