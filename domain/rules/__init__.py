"""The J-rules of DOMAIN.md, checked before an entry is recorded."""
