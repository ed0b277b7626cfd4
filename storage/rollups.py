"""The SQL that keeps the analytics rollups (``rollup_models.py``) equal to their source rows.

One set of "contribution" queries per rollup (a changed row's sums, signed +1 or -1) serves three
uses: the triggers, over the rows a write changed; the back-fill of migration 0006 and
``rebuild``, over the whole source tables; and the tests, which compare the two. Every write to
``tickets``, ``suggestions``, ``feedback`` and ``query_logs`` updates the rollups in its own
transaction, whatever wrote it (ORM sessions, Core bulk inserts, a helpdesk import).

- SQLite: row-level triggers; the changed row is ``(SELECT NEW.col AS col, ...)``.
- PostgreSQL: statement-level ``AFTER`` triggers over the transition tables ``new_rows`` /
  ``old_rows`` (a bulk insert updates each rollup row once per statement, and "the first
  feedback of a suggestion" is decided per statement), written as plpgsql functions.
- Deleting a ticket or a suggestion: a row-level ``BEFORE DELETE`` trigger on both, while the
  rows it joins (the ticket's channel, the suggestion's feedback) are still there; the cascaded
  ``SET NULL`` / ``DELETE`` that follow then change nothing more.

A ticket's suggestions count under the ticket's channel: changing a ticket's channel moves them.
The chatbot outcome is the stored hand-off reason (0013); ``reasons=False``: the SQL of 0006,
before that column, which 0006 and 0013's downgrade install.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

__all__ = ["KEYS", "ROLLUP_TABLES", "SOURCE_COLUMNS", "backfill", "change_statements", "drop_triggers"]
__all__ += ["install_triggers", "trigger_sql"]

ROLLUP_TABLES: tuple[str, ...] = ("rollup_ticket_days", "rollup_ticket_tag_days", "rollup_suggestion_days")
ROLLUP_TABLES += ("rollup_answer_days", "rollup_resolution_days", "rollup_citation_days")
ROLLUP_TABLES += ("rollup_resolution_tickets",)
SATISFIED = "4.0"  # assist.analytics.scans.SATISFIED: a CSAT of 4 or more

_COLUMNS = {  # the source columns the contributions read
    "tickets": ("id", "channel", "tags", "created_at", "ingested_at", "resolved_at", "csat"),
    "suggestions": ("id", "ticket_id", "payload", "created_at"),
    "feedback": ("suggestion_id", "verdict", "edit_distance"),
    "query_logs": ("id", "kind", "abstained", "hit_ids", "confidence", "handoff_reason", "created_at"),
}
SOURCE_COLUMNS = _COLUMNS
KEYS = {
    "rollup_ticket_days": ("day", "channel"),
    "rollup_ticket_tag_days": ("day", "channel", "tag"),
    "rollup_suggestion_days": ("day", "channel", "article"),
    "rollup_answer_days": ("day", "outcome"),
    "rollup_citation_days": ("day", "doc"),
    "rollup_resolution_tickets": ("hour", "day", "channel", "ticket"),
    "rollup_resolution_days": ("day", "channel", "hour"),
}
_VALUES = {
    "rollup_ticket_days": (
        "tickets", "untagged", "resolved", "timed", "hours_sum", "csat_n", "csat_sum", "satisfied",
    ),
    "rollup_ticket_tag_days": ("tickets", "csat_n", "csat_sum", "satisfied"),
    "rollup_suggestion_days": (
        "suggestions", "with_feedback", "feedback", "used", "edited", "rejected",
        "dist_sum", "dist_n", "edited_sum", "edited_n",
    ),
    "rollup_answer_days": ("questions", "conf_sum", "conf_n"),
    "rollup_citation_days": ("suggestions", "answers"),
    "rollup_resolution_tickets": ("n", "hours"),
    "rollup_resolution_days": ("tickets",),
}  # fmt: skip


class _Sql:
    """The few expressions that differ between SQLite and PostgreSQL (as ``assist.analytics.sql``
    writes them for the direct queries, so that sums and hours agree to the bit)."""

    def __init__(self, dialect: str, reasons: bool = True) -> None:
        self.pg, self.reasons = dialect == "postgresql", reasons

    def columns(self, table: str) -> tuple[str, ...]:
        """The source columns of ``table`` (without 0013's ``handoff_reason`` unless ``reasons``)."""
        return tuple(c for c in _COLUMNS[table] if self.reasons or c != "handoff_reason")

    def day(self, ts: str) -> str:
        return f"(({ts}) AT TIME ZONE 'UTC')::date" if self.pg else f"date({ts})"

    def hours(self, start: str, end: str) -> str:
        if self.pg:
            return f"(CAST(extract(epoch FROM ({end}) - ({start})) AS DOUBLE PRECISION) / 3600.0)"
        return f"((julianday({end}) - julianday({start})) * 24.0)"

    def hour(self, hours: str) -> str:
        """The whole hours of a non-negative ``hours``."""
        return f"CAST(floor({hours}) AS INTEGER)" if self.pg else f"CAST({hours} AS INTEGER)"

    def length(self, column: str) -> str:
        return f"coalesce(json_array_length({column}), 0)"

    def elements(self, column: str, alias: str) -> str:
        if self.pg:
            return f" CROSS JOIN LATERAL json_array_elements_text({column}) AS {alias}(value)"
        return f", json_each({column}) AS {alias}"

    def top_article(self, payload: str) -> str:
        if self.pg:
            return f"({payload} #>> '{{articles,0,article_id}}')"
        return f'json_extract({payload}, \'$."articles"[0]."article_id"\')'

    def is_true(self, column: str) -> str:
        return f"{column} IS TRUE" if self.pg else f"{column} IS 1"


# a ticket with a resolution time at or after its creation (resolution hours are measured)
_TIMED = "r.resolved_at IS NOT NULL AND r.created_at IS NOT NULL AND r.resolved_at >= r.created_at"


def _flag(condition: str, sign: str = "1") -> str:
    return f"{sign} * CASE WHEN {condition} THEN 1 ELSE 0 END"


def ticket_rows(q: _Sql, rel: str, sign: str) -> str:
    ts = "coalesce(r.created_at, r.ingested_at)"
    return (
        f"SELECT {q.day(ts)} AS day, coalesce(r.channel, '') AS channel, {sign} AS tickets, "
        f"{_flag(q.length('r.tags') + ' = 0', sign)} AS untagged, "
        f"{_flag('r.resolved_at IS NOT NULL', sign)} AS resolved, {_flag(_TIMED, sign)} AS timed, "
        f"{sign} * CASE WHEN {_TIMED} THEN {q.hours('r.created_at', 'r.resolved_at')} ELSE 0.0 END "
        "AS hours_sum, "
        f"{_flag('r.csat IS NOT NULL', sign)} AS csat_n, {sign} * coalesce(r.csat, 0.0) AS csat_sum, "
        f"{_flag('r.csat >= ' + SATISFIED, sign)} AS satisfied FROM {rel} AS r WHERE {ts} IS NOT NULL"
    )


def resolution_rows(q: _Sql, rel: str, sign: str) -> str:
    """Resolved tickets by whole hours to resolution (the percentiles' histogram)."""
    return (
        f"SELECT {q.day('r.created_at')} AS day, coalesce(r.channel, '') AS channel, "
        f"{q.hour(q.hours('r.created_at', 'r.resolved_at'))} AS hour, {sign} AS tickets "
        f"FROM {rel} AS r WHERE {_TIMED}"
    )


def resolution_ticket_rows(q: _Sql, rel: str, sign: str) -> str:
    """Each resolved ticket's hours to resolution under its whole hour, day and channel (``n`` 1
    while it is there; ``hours`` is exactly its hours then: it is added to 0.0 once)."""
    hours = q.hours("r.created_at", "r.resolved_at")
    return (
        f"SELECT {q.hour(hours)} AS hour, {q.day('r.created_at')} AS day, "
        f"coalesce(r.channel, '') AS channel, r.id AS ticket, {sign} AS n, {sign} * {hours} AS hours "
        f"FROM {rel} AS r WHERE {_TIMED}"
    )


def tag_rows(q: _Sql, rel: str, sign: str) -> str:
    ts = "coalesce(r.created_at, r.ingested_at)"
    return (
        f"SELECT {q.day(ts)} AS day, coalesce(r.channel, '') AS channel, j.value AS tag, "
        f"{sign} AS tickets, {_flag('r.csat IS NOT NULL', sign)} AS csat_n, "
        f"{sign} * coalesce(r.csat, 0.0) AS csat_sum, {_flag('r.csat >= ' + SATISFIED, sign)} AS satisfied "
        f"FROM {rel} AS r{q.elements('r.tags', 'j')} WHERE {ts} IS NOT NULL AND j.value IS NOT NULL"
    )


def _feedback_sums(sign: str) -> str:
    """The select list of feedback sums over rows ``f`` (verdict, edit_distance), each ``sign``."""
    d = "coalesce(f.edit_distance, 0.0)"
    verdicts = ", ".join(
        "sum(" + _flag(f"f.verdict = '{v}'", sign) + f") AS {v}" for v in ("used", "edited", "rejected")
    )
    edited = _flag("f.verdict = 'edited' AND f.edit_distance IS NOT NULL", sign)
    return (
        f"sum({sign}) AS n, {verdicts}, sum({sign} * {d}) AS dist_sum, "
        f"sum({_flag('f.edit_distance IS NOT NULL', sign)}) AS dist_n, "
        f"sum({sign} * CASE WHEN f.verdict = 'edited' THEN {d} ELSE 0.0 END) AS edited_sum, "
        f"sum({edited}) AS edited_n"
    )


def suggestion_rows(q: _Sql, rel: str, sign: str, *, channel: str | None = None, every: bool = False) -> str:
    """A suggestion with all its feedback; ``channel`` replaces its ticket's channel (a move)."""
    scope = "" if every else f" WHERE f.suggestion_id IN (SELECT k.id FROM {rel} AS k)"
    fb = f"(SELECT f.suggestion_id AS suggestion_id, {_feedback_sums('1')} FROM feedback AS f{scope} "
    fb += "GROUP BY f.suggestion_id)"
    values = ", ".join(
        f"{sign} * coalesce(fb.{v}, 0) AS {v}"
        for v in ("used", "edited", "rejected", "dist_sum", "dist_n", "edited_sum", "edited_n")
    )
    channel = channel or "coalesce(t.channel, '')"
    return (
        f"SELECT {q.day('r.created_at')} AS day, {channel} AS channel, "
        f"coalesce({q.top_article('r.payload')}, '') AS article, {sign} AS suggestions, "
        f"{_flag('fb.n > 0', sign)} AS with_feedback, {sign} * coalesce(fb.n, 0) AS feedback, {values} "
        f"FROM {rel} AS r LEFT JOIN tickets AS t ON t.id = r.ticket_id "
        f"LEFT JOIN {fb} AS fb ON fb.suggestion_id = r.id WHERE r.created_at IS NOT NULL"
    )


def feedback_rows(q: _Sql, new: str | None, old: str | None) -> str:
    """Feedback rows added (``new``) and removed (``old``), on their suggestions' keys. A
    suggestion gains ``with_feedback`` when it has feedback now and had none before the change
    (before = now - added + removed), and loses it the other way round."""
    parts = [f"SELECT x.suggestion_id, x.verdict, x.edit_distance, 1 AS sg FROM {new} AS x"] if new else []
    parts += [f"SELECT x.suggestion_id, x.verdict, x.edit_distance, -1 AS sg FROM {old} AS x"] if old else []
    changed = f"({' UNION ALL '.join(parts)}) AS f"
    g = f"(SELECT f.suggestion_id AS suggestion_id, {_feedback_sums('f.sg')}, "
    g += f"sum({_flag('f.sg > 0')}) AS added, sum({_flag('f.sg < 0')}) AS removed "
    g += f"FROM {changed} GROUP BY f.suggestion_id)"
    now = "(SELECT count(*) FROM feedback AS c WHERE c.suggestion_id = g.suggestion_id)"
    return (
        f"SELECT {q.day('s.created_at')} AS day, coalesce(t.channel, '') AS channel, "
        f"coalesce({q.top_article('s.payload')}, '') AS article, 0 AS suggestions, "
        f"{_flag(now + ' > 0')} - {_flag(now + ' - g.added + g.removed > 0')} AS with_feedback"
        ", g.n AS feedback, g.used, g.edited, g.rejected, g.dist_sum, g.dist_n, "
        f"g.edited_sum, g.edited_n FROM {g} AS g JOIN suggestions AS s ON s.id = g.suggestion_id "
        "LEFT JOIN tickets AS t ON t.id = s.ticket_id WHERE s.created_at IS NOT NULL"
    )


def answer_rows(q: _Sql, rel: str, sign: str) -> str:
    """Questions by outcome: ``answered``, the stored hand-off reason, or for a hand-off without
    one (logged before 0013) ``no_evidence`` when nothing matched, else ``weak_evidence``."""
    off = q.is_true("r.abstained")
    stored = f"WHEN {off} AND r.handoff_reason IS NOT NULL THEN r.handoff_reason " if q.reasons else ""
    outcome = (
        f"CASE {stored}WHEN {off} AND {q.length('r.hit_ids')} = 0 THEN 'no_evidence' "
        f"WHEN {off} THEN 'weak_evidence' ELSE 'answered' END"
    )
    return (
        f"SELECT {q.day('r.created_at')} AS day, {outcome} AS outcome, {sign} AS questions, "
        f"{sign} * coalesce(r.confidence, 0.0) AS conf_sum, "
        f"{_flag('r.confidence IS NOT NULL', sign)} AS conf_n "
        f"FROM {rel} AS r WHERE r.kind IN ('answer', 'chat') AND r.created_at IS NOT NULL"
    )


def citation_rows(q: _Sql, rel: str, sign: str) -> str:
    """Articles cited by logged suggestions and chatbot answers: once a query however often its
    hit ids name the article (as ``assist.analytics.health.citations`` counts them)."""
    cited = (
        f"SELECT DISTINCT r.id AS id, r.kind AS kind, r.created_at AS created_at, j.value AS doc "
        f"FROM {rel} AS r{q.elements('r.hit_ids', 'j')} "
        "WHERE substr(j.value, 1, 8) = 'article:' AND r.kind IN ('suggest', 'answer', 'chat')"
    )
    suggestions, answers = _flag("c.kind = 'suggest'", sign), _flag("c.kind <> 'suggest'", sign)
    return (
        f"SELECT {q.day('c.created_at')} AS day, c.doc AS doc, {suggestions} AS suggestions, "
        f"{answers} AS answers FROM ({cited}) AS c WHERE c.created_at IS NOT NULL"
    )


def upsert(table: str, parts: list[str]) -> str:
    """Add the summed contributions ``parts`` (UNION ALL) to ``table``, one row per key, in key
    order (so that concurrent writers lock a table's rollup rows in the same order: PostgreSQL)."""
    keys, values = ", ".join(KEYS[table]), _VALUES[table]
    sums = ", ".join(f"sum(u.{v})" for v in values)
    update = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values)
    return (
        f"INSERT INTO {table} ({keys}, {', '.join(values)}) SELECT {keys}, {sums} "
        f"FROM ({' UNION ALL '.join(parts)}) AS u WHERE true GROUP BY {keys} ORDER BY {keys} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {update}"
    )


def _moved(old: str, new_channel: str, new: str | None = None) -> str:
    """The suggestions of changed tickets with the old and new channel of their ticket."""
    join = f" JOIN {new} AS n ON n.id = o.id WHERE o.channel <> n.channel" if new else ""
    return (
        "(SELECT s.id AS id, s.ticket_id AS ticket_id, s.payload AS payload, s.created_at AS created_at, "
        f"o.channel AS old_channel, {new_channel} AS new_channel "
        f"FROM suggestions AS s JOIN {old} AS o ON o.id = s.ticket_id{join})"
    )


def _statements(q: _Sql, table: str, event: str, new: str, old: str) -> list[str]:
    """What a write of ``event`` to ``table`` runs (``new``/``old``: the changed rows)."""
    s = "rollup_suggestion_days"
    if table == "tickets":
        if event == "delete":
            moved = _moved(old, "''")
            return [
                upsert("rollup_ticket_days", [ticket_rows(q, old, "-1")]),
                upsert("rollup_ticket_tag_days", [tag_rows(q, old, "-1")]),
                upsert("rollup_resolution_days", [resolution_rows(q, old, "-1")]),
                upsert("rollup_resolution_tickets", [resolution_ticket_rows(q, old, "-1")]),
                upsert(s, [suggestion_rows(q, moved, "-1"), suggestion_rows(q, moved, "1", channel="''")]),
            ]
        signs = [(old, "-1"), (new, "1")] if event == "update" else [(new, "1")]
        out = [
            upsert(table, [rows(q, rel, sign) for rel, sign in signs])
            for table, rows in (
                ("rollup_ticket_days", ticket_rows),
                ("rollup_ticket_tag_days", tag_rows),
                ("rollup_resolution_days", resolution_rows),
                ("rollup_resolution_tickets", resolution_ticket_rows),
            )
        ]
        if event == "update":
            moved = _moved(old, "n.channel", new)
            out.append(
                upsert(
                    s,
                    [
                        suggestion_rows(q, moved, "-1", channel="r.old_channel"),
                        suggestion_rows(q, moved, "1", channel="r.new_channel"),
                    ],
                )
            )
        return out
    if table == "suggestions":
        parts = [suggestion_rows(q, old, "-1")] if event in ("update", "delete") else []
        parts += [suggestion_rows(q, new, "1")] if event in ("insert", "update") else []
        return [upsert(s, parts)]
    if table == "feedback":
        added, removed = (new if event != "delete" else None), (old if event != "insert" else None)
        return [upsert(s, [feedback_rows(q, added, removed)])]
    signs = [(old, "-1")] if event in ("update", "delete") else []
    signs += [(new, "1")] if event in ("insert", "update") else []
    return [
        upsert(table, [rows(q, rel, sign) for rel, sign in signs])
        for table, rows in (("rollup_answer_days", answer_rows), ("rollup_citation_days", citation_rows))
    ]


def change_statements(dialect: str, table: str, event: str, new: str, old: str) -> list[str]:
    """What the ``event`` trigger of ``table`` runs, over the changed rows ``new`` / ``old`` (any
    relations with ``SOURCE_COLUMNS[table]``): ``storage.bulk`` runs it once per batch."""
    return _statements(_Sql(dialect), table, event, new, old)


def _row(q: _Sql, prefix: str, table: str) -> str:
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in q.columns(table)) + ")"


def _triggers(tables: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    return [(t, e) for t in tables or tuple(_COLUMNS) for e in ("insert", "update", "delete")]


def trigger_sql(dialect: str, tables: tuple[str, ...] | None = None, *, reasons: bool = True) -> list[str]:
    """``CREATE`` statements (functions and triggers) keeping the rollups up to date, for the
    source ``tables`` (all of them by default)."""
    q, out = _Sql(dialect, reasons), []
    for table, event in _triggers(tables):
        name = f"kms_rollup_{table}_{event}"
        before = event == "delete" and table in ("tickets", "suggestions")
        timing = "BEFORE" if before else "AFTER"
        if not q.pg or before:
            new, old = _row(q, "NEW", table), _row(q, "OLD", table)
        else:
            new, old = "new_rows", "old_rows"
        body = ";\n".join(_statements(q, table, event, new, old)) + ";"
        if not q.pg:
            out.append(
                f"CREATE TRIGGER {name} {timing} {event.upper()} ON {table} FOR EACH ROW BEGIN\n{body}\nEND"
            )
            continue
        result = "OLD" if before else "NULL"
        out.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\n"
            f"RETURN {result};\nEND\n$$"
        )
        if before:
            each = "FOR EACH ROW"
        else:
            refs = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows"}
            both = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
            each = f"REFERENCING {refs.get(event, both)} FOR EACH STATEMENT"
        out.append(
            f"CREATE TRIGGER {name} {timing} {event.upper()} ON {table} {each} EXECUTE FUNCTION {name}()"
        )
    return out


def install_triggers(
    connection: Connection, tables: tuple[str, ...] | None = None, *, reasons: bool = True
) -> None:
    for statement in trigger_sql(connection.dialect.name, tables, reasons=reasons):
        connection.exec_driver_sql(statement)


def drop_triggers(connection: Connection, tables: tuple[str, ...] | None = None) -> None:
    pg = connection.dialect.name == "postgresql"
    for table, event in _triggers(tables):
        name = f"kms_rollup_{table}_{event}"
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if pg else ""))
        if pg:
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")


def backfill(
    connection: Connection, tables: tuple[str, ...] = ROLLUP_TABLES, *, reasons: bool = True
) -> None:
    """Recompute the rollups ``tables`` (every one by default) from their source rows (what the
    migrations run)."""
    q = _Sql(connection.dialect.name, reasons)
    for table in tables:
        connection.execute(text(f"DELETE FROM {table}"))
    rebuilt: list[tuple[str, str]] = [
        ("rollup_ticket_days", ticket_rows(q, "tickets", "1")),
        ("rollup_ticket_tag_days", tag_rows(q, "tickets", "1")),
        ("rollup_suggestion_days", suggestion_rows(q, "suggestions", "1", every=True)),
        ("rollup_answer_days", answer_rows(q, "query_logs", "1")),
        ("rollup_resolution_days", resolution_rows(q, "tickets", "1")),
        ("rollup_resolution_tickets", resolution_ticket_rows(q, "tickets", "1")),
        ("rollup_citation_days", citation_rows(q, "query_logs", "1")),
    ]
    for table, rows in rebuilt:
        if table in tables:
            connection.exec_driver_sql(upsert(table, [rows]))
