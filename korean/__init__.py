"""The Korean text layer: the shared Kiwi analyser, sentence roles, colloquial normalisation and
PII masking (:mod:`korean.pii`).

A foundation package: it imports nothing from ``indexes``, ``ingest``, ``assist`` or ``eval``.
"""
