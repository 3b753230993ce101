"""Prometheus metrics: what is counted where (``registry``), how a scrape gathers it
across worker processes (``scrape``), and the separate listen address (``listen``).
See docs/metrics.md for each metric."""
