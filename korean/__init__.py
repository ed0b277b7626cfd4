"""The Korean text layer: the shared Kiwi analyser, sentence roles and colloquial normalisation.

A foundation package: it imports nothing from ``indexes``, ``ingest``, ``assist`` or ``eval``.
"""
