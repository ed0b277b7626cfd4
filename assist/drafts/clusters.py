"""The product's topic clustering: what customers asked, grouped into recurring topics.

    texts   = inquiry_texts(subjects_and_inquiries, lexicon)   PII masked, colloquial Korean normalised,
                                                               dictionary synonyms one word (unify_synonyms),
                                                               A/S written 에이에스 수리 (korean.abbrev)
    vectors = embed_inquiries(embedder, texts)                 embedded as queries
    tokens  = inquiry_nouns(texts)                             nouns (assist.drafts.keywords), never
                                                               of a masked value's placeholder
    labels  = find_topics(vectors, tokens, params)             -1 = no topic

Drafts (``mining.find_clusters``) and ``kms eval topics`` / ``kms eval gaps`` call these same
functions with the same :class:`TopicParams` (``DraftSettings.topic_params()``), so the eval
measures the clustering the product runs. Four steps:

1. **base**: agglomerative clustering of the inquiry vectors (``linkage``, cosine distance cut
   ``threshold``), no minimum size yet.
2. **merge**: two groups become one when their centroids have a cosine of at least
   ``merge_centroid`` *and* their keyword sets (nouns used by at least a ``keyword_share`` of the
   members) overlap by at least ``merge_keywords`` of the smaller set: near-duplicate topics
   written with different wording end up in one draft.
3. **split**: a group whose members fall into keyword-disconnected parts (members linked when
   they share a keyword of the group that is not common across the whole run) is cut into those
   parts when at least two of them have ``min_size`` members: one draft does not mix review
   deletion with defective earbuds.
4. **attach**: groups still below ``min_size`` are leftovers; each leftover joins the topic whose
   centroid is nearest if that cosine is at least ``attach_similarity`` and beats the second
   nearest by ``attach_margin`` (a ticket between two topics mixed them: travel_air purity after
   attaching 0.618 without the margin, 0.827 with 0.02).
   Then **seed**: leftovers that still share a noun no clustered topic owns form a topic of
   their own when there are ``min_size`` of them and they sit close together (see ``_seed``),
   and the remaining leftovers may attach to it.
5. **subject**: a topic none of whose nouns is used by at least ``subject_share`` of its tickets
   has no subject a draft could be about (short complaints that something has not arrived --
   a parcel, a repair, a refund -- embed alike); its tickets go back to no topic.
6. **regroup**: two topics become one when their centroids have a cosine of at least
   ``regroup_centroid`` *and* they share at least ``regroup_keywords`` of their five most
   distinctive keywords (tf-idf over the run, :mod:`assist.drafts.keywords`) that are keywords of
   at most ``regroup_spread`` topics: one uncovered topic asked in two styles (설치 기사 방문
   일정 / 세탁기 에어컨 설치 일정) gets one draft, not two, while banking77's card topics, which
   all share "card", stay apart. Two topics that are each other's nearest (centroid cosine) also
   become one when one of those keywords is theirs alone (사전 예약 혜택 / 예약 상품 발송).
7. **keyword attach**: a ticket still in no topic joins the topic whose centroid is nearest when
   that cosine is at least ``keyword_attach`` (below ``attach_similarity``) *and* the ticket uses
   one of that topic's five most distinctive keywords that no other topic has among its five: the
   words agree where the vectors alone are not sure (A/S 맡겼는데 한달째 소식이 없어요 → the A/S
   topic). gaps_ko: tickets attached 0.81 → 0.84; banking77 and paraKQC unchanged (kms eval gaps).
   Passes repeat, with centroids and keywords recomputed, until no ticket joins: a ticket whose
   nearest centroid was another topic's until this pass's joins moved its topic nearer is compared
   again (보증서 잃어버렸는데 무상수리 … joins the repair topic in the second pass). gaps_ko: 0.895 →
   0.907; paraKQC unchanged; banking77 one ticket (its precision 0.775 → 0.756: eval/README.md).
8. **bisect** (:mod:`assist.drafts.bisect`): a topic of ``2 × min_size`` or more is cut in two by
   its vectors (2-means) when each half has a noun used by ``bisect_share`` of its tickets and by
   none of the other half; repeated on the halves. Step 3 keeps two subjects together when one
   word links a few of their tickets; here the vectors propose the cut and the words confirm it.

Labels are renumbered by decreasing size (``assist.clustering.relabel``): deterministic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assist.clustering import agglomerative, relabel, unit_mean
from assist.drafts.bisect import bisect_topics
from assist.drafts.keywords import DocFreq, keywords, noun_tokens
from indexes.embedder import Embedder, exact_query_vectors
from korean.abbrev import gloss_after_service
from korean.colloquial import normalize_query
from korean.lexicon import PARTICLE_CHAIN, Lexicon
from korean.pii import PLACEHOLDER_PATTERN, mask_pii
from korean.pii.mask import fix_particle

__all__ = [
    "TopicParams",
    "embed_inquiries",
    "find_topics",
    "inquiry_nouns",
    "inquiry_texts",
    "unify_synonyms",
]

_BATCH = 64


@dataclass(frozen=True)
class TopicParams:
    """Settings of :func:`find_topics` (built by ``DraftSettings.topic_params``)."""

    min_size: int = 5
    threshold: float = 0.12
    linkage: str = "average"
    merge_centroid: float = 0.9
    merge_keywords: float = 0.5
    keyword_share: float = 0.3
    attach_similarity: float = 0.88
    attach_margin: float = 0.0  # ... and only when its nearest centroid beats the second by this much
    common_share: float = 0.1  # a noun in more than this share of all texts links nothing when splitting
    regroup_centroid: float = 0.95
    regroup_keywords: int = 2
    regroup_spread: int = 3  # ... counting only keywords of at most this many topics
    seed_share: float = 0.6  # a leftover keyword seeds a topic when this share of its tickets are leftovers
    subject_share: float = 0.3  # a topic needs a noun that at least this share of its tickets use
    keyword_attach: float = 0.88  # a leftover joins its nearest topic from here when it uses its own keyword
    bisect_share: float = 0.0  # halves cut apart when each has a noun this share of it uses (0: never)


def inquiry_texts(texts: Sequence[str], lexicon: Lexicon | None) -> list[str]:
    """Each text (subject + inquiry) PII-masked, with colloquial Korean normalised as queries are
    (a phone number or e-mail address says nothing about the topic), and A/S in any spelling written
    as BM25 reads it plus its meaning (``korean.abbrev.gloss_after_service``: 에이에스 수리). The
    e5 model did not read "AS 되나요" as a repair question: gaps_ko's repair topic kept 11 of its
    21 tickets in its draft, the rest went to the installation topic or none; with the gloss 16
    (kms eval gaps: tickets attached 0.8531 -> 0.8948, banking77 and paraKQC unchanged)."""
    cleaned = [" ".join(mask_pii(t).split()) for t in texts]
    if lexicon is None:
        return [gloss_after_service(t) for t in cleaned]
    return unify_synonyms([gloss_after_service(normalize_query(t, lexicon)) for t in cleaned], lexicon)


def inquiry_nouns(texts: Sequence[str]) -> list[list[str]]:
    """The nouns of each :func:`inquiry_texts` text, none read out of a masked value's placeholder
    ("[아이디]" is no 아이디 the customer asked about; eval/README.md: neutral on eleven gap sets).
    Handed-off questions are clustered with the same nouns (``demand.question_topics``)."""
    return noun_tokens([PLACEHOLDER_PATTERN.sub(" ", text) for text in texts])


def unify_synonyms(texts: Sequence[str], lexicon: Lexicon) -> list[str]:
    """The texts with each synonym group of the dictionary (``=`` lines: 상품권,기프트카드) written
    as one word -- the member the texts use most (ties: the first in sorted order) -- wherever they
    use two or more members. The embedding does not know that a 기프트카드 is a 상품권: one topic
    asked with both words became two topics and two drafts (gaps_ko, centroids 0.94). A member
    matches as a whole word, optionally spaced inside (기프트 카드) and followed by particles, which
    are made to agree with the new word (기프트카드로 -> 상품권으로)."""
    out = list(texts)
    for group in sorted(sorted(g) for g in lexicon.synonyms):
        words = sorted(group, key=lambda w: (-len(w), w))
        alts = "|".join(r"\s?".join(map(re.escape, w)) if len(w) >= 3 else re.escape(w) for w in words)
        pattern = re.compile(rf"(?<!\w)(?P<w>{alts})(?P<p>{PARTICLE_CHAIN})(?!\w)", re.IGNORECASE)
        used = Counter("".join(m["w"].split()).lower() for t in out for m in pattern.finditer(t))
        if len(used) < 2:
            continue
        target = min(used, key=lambda w: (-used[w], w))
        out = [pattern.sub(_rewrite(target), t) for t in out]
    return out


def _rewrite(word: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement: ``word`` with the matched particles made to agree with it."""
    return lambda m: word + fix_particle(word, m["p"])


def embed_inquiries(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of the texts, embedded as queries (what the customer asked), through the
    passages' graph (``indexes.embedder.exact_query_vectors``: the cut-offs were measured on it)."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    parts = [exact_query_vectors(embedder, texts[s : s + _BATCH]) for s in range(0, len(texts), _BATCH)]
    out = np.vstack(parts).astype(np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


def _keyword_set(members: Sequence[int], tokens: Sequence[set[str]], share: float) -> set[str]:
    counts = Counter(w for m in members for w in tokens[m])
    least = max(2, int(np.ceil(share * len(members)))) if len(members) >= 2 else 1
    return {w for w, c in counts.items() if c >= least}


def _groups(labels: np.ndarray) -> list[list[int]]:
    by: dict[int, list[int]] = {}
    for i, lab in enumerate(labels.tolist()):
        if lab >= 0:
            by.setdefault(lab, []).append(i)
    return sorted(by.values(), key=lambda m: m[0])


def _find(parent: list[int], i: int) -> int:
    """The root of ``i`` in the union-find forest ``parent`` (paths halved on the way)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], keep: int, join: int) -> None:
    """``join``'s set becomes part of ``keep``'s (its root now points at ``keep``'s root)."""
    root = _find(parent, keep)
    parent[_find(parent, join)] = root


def _close_pairs(sims: np.ndarray, threshold: float) -> list[list[int]]:
    """Index pairs ``a < b`` with ``sims[a, b] >= threshold``, most similar first (ties by index)."""
    pairs = np.argwhere(np.triu(sims >= threshold, k=1))
    return sorted(pairs.tolist(), key=lambda p: (-sims[p[0], p[1]], p[0], p[1]))


def _merge(
    groups: list[list[int]], arr: np.ndarray, tokens: Sequence[set[str]], params: TopicParams
) -> list[list[int]]:
    """Union of groups whose centroids and keyword sets agree (single pass over all pairs)."""
    big = [g for g in groups if len(g) >= 2]
    small = [g for g in groups if len(g) < 2]
    if len(big) < 2:
        return groups
    cents = np.vstack([unit_mean(arr[g]) for g in big])
    words = [_keyword_set(g, tokens, params.keyword_share) for g in big]
    parent = list(range(len(big)))

    sims = cents @ cents.T
    for a, b in _close_pairs(sims, params.merge_centroid):
        wa, wb = words[a], words[b]
        if not wa or not wb:
            continue
        if len(wa & wb) / min(len(wa), len(wb)) >= params.merge_keywords:
            _union(parent, a, b)
    merged: dict[int, list[int]] = {}
    for i, g in enumerate(big):
        merged.setdefault(_find(parent, i), []).extend(g)
    return [sorted(g) for g in merged.values()] + small


def _components(members: Sequence[int], links: Sequence[set[str]]) -> list[list[int]]:
    """Connected parts of ``members``; two members are linked when they share a word."""
    owner: dict[str, int] = {}
    parent = list(range(len(members)))

    for i, words in enumerate(links):
        for w in sorted(words):
            if w in owner:
                _union(parent, owner[w], i)
            else:
                owner[w] = i
    parts: dict[int, list[int]] = {}
    for i, m in enumerate(members):
        parts.setdefault(_find(parent, i), []).append(m)
    return list(parts.values())


def _split(
    group: list[int], arr: np.ndarray, tokens: Sequence[set[str]], common: set[str], params: TopicParams
) -> list[list[int]]:
    """The group cut into keyword-disconnected parts of at least ``min_size`` members (others
    rejoin the nearest such part); the group itself when there are fewer than two such parts."""
    if len(group) < 2 * params.min_size:
        return [group]
    counts = Counter(w for m in group for w in tokens[m])
    vocab = {w for w, c in counts.items() if c >= 2 and w not in common}
    links = [tokens[m] & vocab for m in group]
    parts = _components(group, links)
    keep = [p for p in parts if len(p) >= params.min_size]
    if len(keep) < 2:
        return [group]
    cents = np.vstack([unit_mean(arr[p]) for p in keep])
    for p in parts:
        if len(p) < params.min_size:
            for m in p:
                keep[int(np.argmax(cents @ arr[m]))].append(m)
    return [sorted(p) for p in keep]


def find_topics(vectors: np.ndarray, tokens: Sequence[Sequence[str]], params: TopicParams) -> np.ndarray:
    """Topic label per row (``-1``: no topic), numbered by decreasing size."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim != 2 or len(arr) != len(tokens):
        raise ValueError(f"need one token list per vector, got {arr.shape} and {len(tokens)}")
    n = len(arr)
    if n < params.min_size or n < 2:
        return np.full(n, -1, dtype=np.int64)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    arr = arr / norms
    sets = [set(t) for t in tokens]
    base = agglomerative(arr, threshold=params.threshold, min_size=1, linkage=params.linkage)
    groups = _merge(_groups(base), arr, sets, params)
    df = Counter(w for s in sets for w in s)
    common = {w for w, c in df.items() if c > params.common_share * n}
    groups = [part for g in groups for part in _split(g, arr, sets, common, params)]
    topics = [g for g in groups if len(g) >= params.min_size]
    labels = np.full(n, -1, dtype=np.int64)
    for lab, g in enumerate(topics):
        labels[g] = lab
    _attach(labels, arr, params.attach_similarity, params.attach_margin)
    seeded = _seed(np.flatnonzero(labels < 0).tolist(), arr, sets, df, params)
    if seeded:
        for lab, g in enumerate(seeded, start=int(labels.max()) + 1):
            labels[g] = lab
        _attach(labels, arr, params.attach_similarity, params.attach_margin)
    labels = _regroup(_without_subject(labels, sets, params.subject_share), arr, tokens, params)
    while _attach_by_keyword(labels, arr, tokens, params.keyword_attach):
        pass  # joined tickets move their topics' centroids: the others are compared again
    labels = bisect_topics(labels, arr, sets, params.min_size, params.bisect_share)
    return relabel(labels, min_size=params.min_size)


def _without_subject(labels: np.ndarray, sets: Sequence[set[str]], share: float) -> np.ndarray:
    """Topics whose most used noun is in fewer than ``share`` of their tickets become -1."""
    out = labels.copy()
    for g in _groups(labels):
        counts = Counter(w for m in g for w in sets[m])
        if not counts or counts.most_common(1)[0][1] < share * len(g):
            out[g] = -1
    return out


def _attach(labels: np.ndarray, arr: np.ndarray, similarity: float, margin: float = 0.0) -> None:
    """Each unlabelled row joins the topic whose centroid is nearest, at ``similarity`` or more and
    by ``margin`` over the second nearest (a row between two topics joins neither)."""
    topics = _groups(labels)
    leftovers = np.flatnonzero(labels < 0)
    if not topics or not len(leftovers):
        return
    ids = np.array([labels[g[0]] for g in topics])
    cents = np.vstack([unit_mean(arr[g]) for g in topics])
    sims = arr[leftovers] @ cents.T
    best = sims.argmax(axis=1)
    top = sims[np.arange(len(leftovers)), best]
    second = np.partition(sims, -2, axis=1)[:, -2] if sims.shape[1] > 1 else np.full(len(top), -1.0)
    ok = (top >= similarity) & (top - second >= margin)
    labels[leftovers[ok]] = ids[best[ok]]


def _seed(
    leftovers: Sequence[int], arr: np.ndarray, sets: Sequence[set[str]], df: Counter[str], params: TopicParams
) -> list[list[int]]:
    """Topics the vectors missed, around one keyword of the leftovers: a noun that at least
    ``min_size`` leftovers use, that is mostly used by leftovers (``seed_share`` of its tickets:
    the clustered topics do not own it) and whose tickets sit close to their centroid (mean cosine
    ``attach_similarity``). Varied wording of one topic (청소기 고장, 무상 수리 기간, 수리비 유상 …)
    falls apart in the vectors but shares its word."""
    pool = set(leftovers)
    counts = Counter(w for m in leftovers for w in sets[m])
    out: list[list[int]] = []
    for word, count in sorted(counts.items(), key=lambda c: (-c[1], c[0])):
        if count < params.min_size:
            break
        if count / df[word] < params.seed_share:
            continue
        members = sorted(m for m in pool if word in sets[m])
        if len(members) < params.min_size:
            continue
        centre = unit_mean(arr[members])
        if float((arr[members] @ centre).mean()) < params.attach_similarity:
            continue
        out.append(members)
        pool -= set(members)
    return out


def _regroup(
    labels: np.ndarray, arr: np.ndarray, tokens: Sequence[Sequence[str]], params: TopicParams
) -> np.ndarray:
    """Topics merged when centroids and distinctive keywords agree (union over the pairs)."""
    topics = _groups(labels)
    if len(topics) < 2 or params.regroup_keywords <= 0:
        return labels
    background = DocFreq(tokens)
    words = [set(keywords([tokens[m] for m in g], background, k=5)) for g in topics]
    cents = np.vstack([unit_mean(arr[g]) for g in topics])
    sims = cents @ cents.T
    parent = list(range(len(topics)))

    # a shared keyword counts only when few topics have it: "card" is a keyword of 22 banking77
    # topics and says nothing, 설치 is one of only the two installation topics of gaps_ko
    spread = Counter(w for ws in words for w in ws)
    nearest = np.where(np.eye(len(topics), dtype=bool), -np.inf, sims).argmax(axis=1)
    for a, b in _close_pairs(sims, params.regroup_centroid):
        shared = [w for w in words[a] & words[b] if spread[w] <= params.regroup_spread]
        mutual = nearest[a] == b and nearest[b] == a
        if len(shared) >= params.regroup_keywords or (mutual and any(spread[w] == 2 for w in shared)):
            _union(parent, a, b)
    out = labels.copy()
    for i, g in enumerate(topics):
        out[g] = _find(parent, i)
    return out


def _attach_by_keyword(
    labels: np.ndarray, arr: np.ndarray, tokens: Sequence[Sequence[str]], similarity: float
) -> int:
    """Each unlabelled row joins the topic whose centroid is nearest, at ``similarity`` or more, when
    it uses one of that topic's top keywords that is no other topic's (step 7 of the module doc).
    One pass over the centroids and keywords as they are; returns how many rows joined."""
    topics = _groups(labels)
    leftovers = np.flatnonzero(labels < 0)
    if not topics or not len(leftovers):
        return 0
    background = DocFreq(tokens)
    words = [set(keywords([tokens[m] for m in g], background, k=5)) for g in topics]
    spread = Counter(w for ws in words for w in ws)
    own = [{w for w in ws if spread[w] == 1} for ws in words]
    cents = np.vstack([unit_mean(arr[g]) for g in topics])
    sims = arr[leftovers] @ cents.T
    joined = 0
    for i, row in enumerate(leftovers.tolist()):
        near = int(sims[i].argmax())
        if sims[i, near] >= similarity and own[near] & set(tokens[row]):
            labels[row] = labels[topics[near][0]]
            joined += 1
    return joined
