"""Plumbing the test packages share: the test stack's addresses (env), service processes
(services), TCP and HTTP proxies (proxies) and the database fixtures (databases, registered by
``pytest_plugins`` in tests/conftest.py)."""
