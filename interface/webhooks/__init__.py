"""Webhooks at run time: signing, posting, the worker thread, refused-dose notices."""
