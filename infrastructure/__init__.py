"""Adapters: PostgreSQL, the projector, password hashing, configuration."""
