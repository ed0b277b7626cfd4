"""Inquiry volume: tickets by consultation tag, by recurring topic and by channel, over time; new
and rising tags and topics (the same thresholds for both).

A ticket counts in the period its ``created_at`` falls in (``ingested_at`` when it has none).
A ticket with several tags counts once for each tag, so the tag table may sum to more than the
ticket count; ``untagged`` counts tickets without any tag.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import Session

from assist.analytics.period import Period
from assist.analytics.scans import PREVIOUS, tag_scan, ticket_scan
from assist.analytics.sql import bucket_of, json_rows, rows_of, ticket_time
from assist.analytics.tables import Section, Table, ratio, rounded
from storage import TicketRow, TopicRow

NEW_MIN = 2  # a new tag needs this many tickets in the period (one ticket is noise)
RISING_MIN = 3  # a rising tag needs this many tickets in the period...
RISING_FACTOR = 1.5  # ...and this many times its count in the previous period


def is_new(now: int, before: int) -> bool:
    """A tag or topic with no ticket the previous period and ``NEW_MIN`` now."""
    return before == 0 and now >= NEW_MIN


def is_rising(now: int, before: int) -> bool:
    """A tag or topic with ``RISING_MIN`` tickets now and ``RISING_FACTOR`` times the previous period."""
    return before > 0 and now >= RISING_MIN and now >= RISING_FACTOR * before


TOP_TAGS_OVER_TIME = 6

__all__ = ["volume_section"]


def tag_counts(session: Session, period: Period) -> list[tuple[str, int, int]]:
    """``(tag, tickets this period, tickets the previous period)``, most tickets first."""
    counts: dict[str, list[int]] = {}
    for row in tag_scan(session, period):
        counts.setdefault(row.tag, [0, 0])[row.bucket == PREVIOUS] += row.tickets
    out = [(t, n, p) for t, (n, p) in counts.items()]
    return sorted(out, key=lambda r: (-r[1], -r[2], r[0]))


def topic_counts(session: Session, period: Period) -> list[list[Any]]:
    """``[topic, label, tickets, previous period, CSAT mean]`` per active topic of the last
    ``kms drafts generate`` (its member tickets are resolved tickets), most tickets first."""
    members, ticket_id = json_rows(session, TopicRow.member_ids, "member")
    ts = ticket_time()
    stmt = (
        select(
            TopicRow.key,
            TopicRow.label,
            func.sum(case((ts >= period.since, 1), else_=0)),
            func.sum(case((ts < period.since, 1), else_=0)),
            func.avg(case((ts >= period.since, TicketRow.csat), else_=None)),
        )
        .select_from(TopicRow)
        .join(members, true())
        .join(TicketRow, TicketRow.id == ticket_id)
        .where(TopicRow.status == "active")
        .where(ts >= period.previous().since, ts < period.until)  # member tickets by id, not by time
        .group_by(TopicRow.key, TopicRow.label)
    )
    if period.channel:
        stmt = stmt.where(TicketRow.channel == period.channel)
    rows = rows_of(session, stmt)
    out = [[k, lab, int(n or 0), int(p or 0), rounded(c, 3)] for k, lab, n, p, c in rows if n]
    return sorted(out, key=lambda r: (-r[2], r[0]))


def topics_over_time(session: Session, period: Period, keys: list[str]) -> dict[tuple[int, str], int]:
    """``{(bucket, topic key): tickets}`` over the member tickets of the given active topics."""
    if not keys:
        return {}
    members, ticket_id = json_rows(session, TopicRow.member_ids, "member")
    ts = ticket_time()
    bucket = bucket_of(ts, period)
    stmt = (
        select(bucket, TopicRow.key, func.count())
        .select_from(TopicRow)
        .join(members, true())
        .join(TicketRow, TicketRow.id == ticket_id)
        .where(TopicRow.status == "active", TopicRow.key.in_(keys))
        .where(ts >= period.since, ts < period.until)
        .group_by(bucket, TopicRow.key)
    )
    if period.channel:
        stmt = stmt.where(TicketRow.channel == period.channel)
    return {(int(b), str(k)): int(n) for b, k, n in rows_of(session, stmt)}


def topic_names(topics: list[list[Any]]) -> dict[str, str]:
    """``{topic key: what to call it}``: its label, with the key when two topics share one."""
    labels = [str(t[1] or t[0]) for t in topics]
    return {
        str(t[0]): name if labels.count(name) == 1 else f"{name} ({t[0]})"
        for t, name in zip(topics, labels, strict=True)
    }


def channel_counts(by_time: dict[tuple[int, str], int]) -> list[tuple[str, int]]:
    """Tickets per channel, most first, summed from ``channel_over_time``."""
    totals: dict[str, int] = {}
    for (_, channel), n in by_time.items():
        totals[channel] = totals.get(channel, 0) + n
    return sorted(totals.items(), key=lambda r: (-r[1], r[0]))


def channel_over_time(session: Session, period: Period) -> dict[tuple[int, str], int]:
    out: dict[tuple[int, str], int] = {}
    for bucket, channel, _, n in ticket_scan(session, period):
        if bucket != PREVIOUS:
            out[bucket, channel] = out.get((bucket, channel), 0) + n
    return out


def tags_over_time(session: Session, period: Period, tags: list[str]) -> dict[tuple[int, str], int]:
    wanted = set(tags)
    return {
        (row.bucket, row.tag): row.tickets
        for row in tag_scan(session, period)
        if row.bucket != PREVIOUS and row.tag in wanted
    }


def ticket_totals(session: Session, period: Period) -> tuple[int, int, int]:
    """``(tickets this period, tickets the previous period, untagged this period)``."""
    now = before = untagged = 0
    for bucket, _, empty, n in ticket_scan(session, period):
        if bucket == PREVIOUS:
            before += n
        else:
            now += n
            untagged += n if empty else 0
    return now, before, untagged


def volume_section(session: Session, period: Period) -> Section:
    total, previous, untagged = ticket_totals(session, period)
    tags = tag_counts(session, period)
    by_time = channel_over_time(session, period)
    channels = channel_counts(by_time)
    labels = period.labels()
    section = Section(
        "volume",
        "Inquiry volume",
        figures={
            "tickets": total,
            "tickets_previous_period": previous,
            "change": ratio(total - previous, previous),
            "untagged": untagged,
            "tags": sum(1 for _, n, _ in tags if n),
            "channels": len(channels),
        },
    )
    section.tables.append(
        Table(
            "volume_by_tag",
            "Tickets by consultation tag",
            ["tag", "tickets", "previous_period", "share"],
            [[t, n, p, ratio(n, total)] for t, n, p in tags if n],
        )
    )
    topics = topic_counts(session, period)
    section.tables.append(
        Table(
            "volume_by_topic",
            "Tickets by recurring topic (resolved tickets, topics of the last drafts run)",
            ["topic", "label", "tickets", "previous_period", "csat_mean"],
            topics,
        )
    )
    section.tables.append(
        Table(
            "volume_by_channel",
            "Tickets by channel",
            ["channel", "tickets", "share"],
            [[c or "(none)", n, ratio(n, total)] for c, n in channels],
        )
    )
    names = [c for c, _ in channels]
    section.tables.append(
        Table(
            "volume_over_time",
            f"Tickets per {period.bucket} by channel",
            ["bucket", "channel", "tickets"],
            [[label, c or "(none)", by_time.get((i, c), 0)] for i, label in enumerate(labels) for c in names],
        )
    )
    top = [t for t, n, _ in tags if n][:TOP_TAGS_OVER_TIME]
    by_tag = tags_over_time(session, period, top)
    section.tables.append(
        Table(
            "tags_over_time",
            f"Top tags per {period.bucket}",
            ["bucket", "tag", "tickets"],
            [[label, t, by_tag.get((i, t), 0)] for i, label in enumerate(labels) for t in top],
        )
    )
    section.tables.append(
        Table(
            "new_tags",
            "New tags (none the previous period)",
            ["tag", "tickets"],
            [[t, n] for t, n, p in tags if is_new(n, p)],
        )
    )
    rising = [(t, n, p) for t, n, p in tags if is_rising(n, p)]
    rising.sort(key=lambda r: (-(r[1] - r[2]), r[0]))
    section.tables.append(
        Table(
            "rising_tags",
            "Rising tags (vs the previous period)",
            ["tag", "tickets", "previous_period", "growth"],
            [[t, n, p, ratio(n - p, p)] for t, n, p in rising],
        )
    )
    top_topics = topics[:TOP_TAGS_OVER_TIME]
    by_topic = topics_over_time(session, period, [t[0] for t in top_topics])
    topic_name = topic_names(top_topics)
    section.tables.append(
        Table(
            "topics_over_time",
            f"Top recurring topics per {period.bucket}",
            ["bucket", "topic", "tickets"],
            [
                [label, topic_name[t[0]], by_topic.get((i, t[0]), 0)]
                for i, label in enumerate(labels)
                for t in top_topics
            ],
        )
    )
    section.tables.extend(new_and_rising_topics(topics))
    return section


def new_and_rising_topics(topics: list[list[Any]]) -> list[Table]:
    """The rows of ``volume_by_topic`` that are new or rising, as tags are (``is_new``,
    ``is_rising``)."""
    new = [[k, lab, n] for k, lab, n, p, _ in topics if is_new(n, p)]
    rising = [(k, lab, n, p) for k, lab, n, p, _ in topics if is_rising(n, p)]
    rising.sort(key=lambda r: (-(r[2] - r[3]), r[0]))
    return [
        Table(
            "new_topics",
            "New recurring topics (no ticket the previous period)",
            ["topic", "label", "tickets"],
            new,
        ),
        Table(
            "rising_topics",
            "Rising recurring topics (vs the previous period)",
            ["topic", "label", "tickets", "previous_period", "growth"],
            [[k, lab, n, p, ratio(n - p, p)] for k, lab, n, p in rising],
        ),
    ]
