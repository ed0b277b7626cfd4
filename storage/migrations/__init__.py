"""Alembic migrations of the KMS Assist database (a package so it ships with the wheel)."""
