"""VOC analytics: what customers ask, what the assistant solved, what to write next.

Plain functions over a database session (SQL aggregation, SQLite and PostgreSQL), one concept
per module: ``volume`` (tickets by tag/topic/channel over time, new and rising tags and topics),
``service`` (resolution times, FCR estimate, CSAT), ``agent_assist`` (suggestion feedback by
article and topic), ``chatbot`` (deflection, hand-offs; ``answer_feedback``: helpful or not),
``health`` (stale, incomplete, gaps, drafts); ``report`` puts them together and ``plots`` draws
them (SVG, server-side). Used by ``kms report``, ``GET /v1/analytics`` and the ``/analytics`` page.
"""

from assist.analytics.period import Period, make_period, parse_day
from assist.analytics.report import Report, build_report
from assist.analytics.tables import Section, Table

__all__ = ["Period", "Report", "Section", "Table", "build_report", "make_period", "parse_day"]
