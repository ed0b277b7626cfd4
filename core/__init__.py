"""Foundations every layer may use: settings, domain records and value types, errors, PII masking
of records. Imports nothing of the project but ``korean``."""
