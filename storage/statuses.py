"""The triage statuses, importable without SQLAlchemy (the CLI's parsers list them)."""

TRIAGE_STATUSES = ("new", "relevant", "escalated", "closed", "not_relevant")
