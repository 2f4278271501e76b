"""API: notices."""

# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = []
