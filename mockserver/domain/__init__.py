"""The business rules of the v1 API in plain Python: no Flask, no SQL."""
