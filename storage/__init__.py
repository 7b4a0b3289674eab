"""Persistence: SQLAlchemy models, the Database handle, migrations and search."""
