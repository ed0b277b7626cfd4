"""Answer composition by question fit: the sentences that answer what was asked, never a case.

Shared by chatbot answers (``assist.answer``) and agents' reply drafts (``assist.reply_draft``):

1. Candidates (:mod:`assist.answer_sentences`) are the sentences of the retrieved articles'
   정책, 단계별 절차, 주요 상황 및 해결책 and 상담 스크립트 answers (all chunks of the top
   articles, not only the retrieved ones), each labelled by :mod:`korean.roles`.
2. A 상담 스크립트 Q/A is used whole only when its question matches the inquiry (rapidfuzz
   over the script question plus weighted term overlap, both in the searched wording) and every
   answer sentence is general; not over a better-fitting sentence of its article when its
   question names a thing the inquiry does not (:func:`assist.term_fit.asks_more`).
3. Otherwise sentences are scored by question fit: weighted overlap with the question's terms
   (weights are local IDF over the candidate pool, so 적립금 in every sentence counts little and
   유효기간 a lot; a script answer's sentences also count its question's words), dense
   similarity to the question (a 주요 상황 sentence embedded with its heading) and the retrieval
   score of its article; whether a sentence serves the question's focus (기간/방법/가능 여부 …,
   :mod:`korean.focus`) gates whole script answers and is a confidence feature. The best sentence
   and up to two close neighbours of the same article are kept, the best one first (a situation
   after the rule it qualifies), then the best sentence of another section of that article when
   it fits nearly as well. A script answer's closing line
   ("… 다시 말씀해 주십시오") never leads.
4. A question that asks for a time, a cost or a quantity outright (:func:`korean.focus.asked_for`)
   is answered only with sentences that carry one: the best sentence that does answers when it
   fits at least ``_ASKED_FIT`` as well as the best one; otherwise there is no answer (a
   hand-off), never the best-matching sentence without the number. A request for a
   recommendation ("선물로 뭐가 좋을까요?") is answered only by a sentence that recommends.
5. A 주요 상황 sentence is sent under its situation's heading (:func:`answer_texts`).

The :class:`Composition` also carries the features that :mod:`assist.confidence` turns into one
calibrated probability that the answer is right.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from assist.answer_sentences import Candidate, asked_the_same, candidates_of, doc_chunks, vector_text
from assist.evidence import Evidence
from assist.said import said_before
from assist.sentence_vectors import sentence_vectors
from assist.term_fit import as_searched, asks_more, overlap, script_fit, term_set, weights
from assist.unanswered import why_unanswered
from assist.unmentioned import ASKS_IF, unmentioned
from core.types import Chunk, DocHit
from indexes.hybrid import HybridIndex
from korean.colloquial import normalize_query
from korean.focus import asked_for, bare_reply, closing_request, question_focus, serves, unanswered
from korean.lexicon import Lexicon
from korean.things import scene_nouns

__all__ = ["FIT_WEIGHTS", "Composition", "compose"]

_MAX_SENTENCES = 3
# sentence fit = terms · dense · focus · article score. Eight weightings were scored on the two
# halves (by qid parity) of the answer-safety set's answerable rows; (0.3, 0.5, 0, 0.2) gave the
# most right-section answers on both halves (0.569/0.617 → 0.624/0.701 against the earlier
# (0.15, 0.5, 0.1, 0.25)). The article's retrieval score then weighed 0.6 instead of 0.2: a
# sentence of the second or third article had answered while the first, far ahead, held the
# rule. Right answers at any confidence, 0.2 → 0.6 (0.4 / 0.8 / 1.2): safety set halves 83/84 →
# 86/94 (86/90, 86/95, 84/97); the confidence fit data's 513 rows 303 → 319; banking77's 162
# answerable 121 → 126 (wrong-answer rate at coverage 0.80: 0.123 → 0.085); welfare_qa_ko's 300
# 244 → 241 (its documents' scores are close, so the prior decides little there).
# Focus still gates whole script answers and feeds the confidence model.
FIT_WEIGHTS = (0.3, 0.5, 0.0, 0.6)
_SCRIPT_FIT = 0.62  # script question similarity from which a Q/A is used whole
_SCRIPT_STRONG = 0.8  # ... and from which it is used whole even if another sentence fits better
# below this fit of its question, no sentence of a script answer is quoted: it answers a neighbouring
# question (sample KB safety eval, both qid-parity halves: right-section first sentences 76/71 ->
# 79/77 of 107/109 answerable rows at 0.4; 0.3: 78/73, 0.5: 76/76)
_SCRIPT_SENTENCE_FIT = 0.4
# a second sentence from another section of the answering article joins when its fit is at least
# this share of the best one (safety eval, qid-parity halves: wrong answers 12/15 -> 9/10 of 79/74
# answered; key fact contained 0.588 -> 0.628; 0.85: 9/9 but longer answers, 0.95: 0.614)
_OTHER_SECTION_FIT = 0.9
# a situation whose scene the inquiry never names (korean.things.scene_nouns: "해외에서 휴대폰을
# 분실한 경우" for "폰 잃어버렸어요 ㅠㅠ 빨리 정지좀 해주세요", "취소한 예약에 쓴 마일리지의 …"
# for "하늘마일리지 유효기간은 얼마인가요?") leads the answer only if it fits this much better;
# it may still follow the first sentence. Measured at 0.75: telco wrong-answer rate 0.0667 ->
# 0.0222, travel 0.0556 -> 0, sample KB, card and food unchanged (no answer right before is wrong
# after); applied to every sentence it cost right answers (card 0.0789 -> 0.1053)
_OTHER_SCENE = 0.75
# asked for a time or an amount (korean.focus.asked_for) and the best sentence carries none: the
# best sentence that does carry one answers instead when its fit is at least this share of the best
_ASKED_FIT = 0.8
# the best sentence points back at one that cannot be sent: the best sentence that stands answers
# instead when its fit is at least this share of the best
_STAND_IN_FIT = 0.8
# query-vs-question cosine span of the bundled e5 model (other models: only the ordering matters)
_COS_LOW, _COS_HIGH = 0.80, 0.92


@dataclass
class Composition:
    """The chosen sentences and the question-fit features of the best answer."""

    sentences: list[Candidate] = field(default_factory=list)
    strategy: str = "none"  # "script" | "sentences" | "none"
    doc: DocHit | None = None
    focus: frozenset[str] = frozenset()
    features: dict[str, float] = field(default_factory=dict)
    # why no sentence was chosen (the hand-off's reason in words), when composition found one
    why_none: str = ""


@functools.lru_cache(maxsize=20_000)
def _scene(heading: str) -> tuple[str, ...]:
    """A situation heading's scene nouns, analysed once per heading (Kiwi: ~0.5 ms a call)."""
    return tuple(scene_nouns(heading))


def _repeats(cand: Candidate, chosen: Sequence[Candidate]) -> bool:
    """The sentence says again what a chosen one says (rapidfuzz token-set ratio ≥ 80)."""
    return any(fuzz.token_set_ratio(cand.send_text, c.send_text) >= 80 for c in chosen)


def compose(
    evidence: Evidence,
    question: str,
    index: HybridIndex,
    *,
    docs: Sequence[DocHit] | None = None,
    sendable_only: bool = True,
    limit: int = _MAX_SENTENCES,
    said: Sequence[str] = (),
    lexicon: Lexicon | None = None,
) -> Composition:
    """The best answer sentences for ``question`` from the top documents of ``evidence``.

    ``sendable_only`` (chatbot answers) keeps only general sentences; reply drafts pass False
    and decide per sentence (rewrite, slot or drop) themselves. ``said``: sentences the
    conversation's earlier assistant turns sent (:func:`assist.said.said_sentences`); none is sent again.
    The answer is chosen as without them and the repeated sentences are left out, so what stays
    is what the last answer did not say (its neighbours, the other section's rule); when every
    chosen sentence was said before, the answer is chosen again among the sentences not said.
    ``lexicon``: the one the inquiry was searched with; script questions are compared in the
    same wording (:func:`assist.term_fit.as_searched`).
    """
    comp = _compose(evidence, question, index, docs, sendable_only, limit, (), lexicon)
    if not said:
        return comp
    fresh = [c for c in comp.sentences if not said_before(c, said)]
    if len(fresh) == len(comp.sentences):
        return comp
    while len(fresh) > 1 and closing_request(fresh[0].send_text):
        fresh = fresh[1:]  # what was said went: "… 다시 말씀해 주십시오" does not lead what is left
    if fresh:
        comp.sentences = fresh
        return comp
    return _compose(evidence, question, index, docs, sendable_only, limit, said, lexicon)


def _antecedent_in(cand: Candidate, among: Iterable[Candidate]) -> Candidate | None:
    """The sentence ``cand`` points back at ("이때 …"), if it is one of ``among``."""
    return next(
        (c for c in among if c.chunk.chunk_id == cand.chunk.chunk_id and c.text == cand.antecedent), None
    )


def _said_with(cand: Candidate, pool: Sequence[Candidate], limit: int) -> list[Candidate] | None:
    """``cand`` after the sentences it points back at ("이때 …", and "단, …" after that one), or
    None when one of them is not in ``pool`` (an agent's note) or the chain is longer than
    ``limit``."""
    chain = [cand]
    while chain[0].antecedent:
        before = _antecedent_in(chain[0], pool)
        if before is None or before in chain or len(chain) >= limit:
            return None
        chain.insert(0, before)
    return chain


def _stands_with(cand: Candidate, chosen: Sequence[Candidate]) -> bool:
    """A sentence that points back joins only beside the sentence it points at."""
    return not cand.antecedent or _antecedent_in(cand, chosen) is not None


def _compose(
    evidence: Evidence,
    question: str,
    index: HybridIndex,
    docs: Sequence[DocHit] | None,
    sendable_only: bool,
    limit: int,
    said: Sequence[str],
    lexicon: Lexicon | None,
) -> Composition:
    docs = list(docs if docs is not None else evidence.knowledge)[:3]
    focus = question_focus(question)
    wanted = asked_for(question)  # a time, a cost or a quantity, asked for outright
    qterms = frozenset(evidence.trace.query_tokens) or term_set(question)
    result = Composition(focus=focus)
    if not docs:
        return result
    missing = unmentioned(evidence, question, index, docs, asks_if=bool(focus & ASKS_IF))
    if missing:  # "영어로 받아볼 수 있나요?", "충전 보너스는 몇 %?" and no article says a word of it
        result.why_none = "no article mentions " + ", ".join(missing)
        return result
    top_score = max(docs[0].score, 1e-9)
    per_doc = [(d, candidates_of(doc_chunks(index, d.doc_id) or [h.chunk for h in d.chunks])) for d in docs]
    pool = [term_set(c.pool_text) for _, cands in per_doc for c in cands]
    w = weights(pool)
    default = max(w.values(), default=1.0)

    flat = [
        (doc, cand)
        for doc, cands in per_doc
        for cand in cands
        if (cand.sendable or not sendable_only or asked_the_same(cand, question))
        and not (said and said_before(cand, said))
    ]
    qvec = evidence.trace.query_vector
    sims: dict[str, float] = {}
    if qvec is not None and flat:
        texts = [vector_text(c) for _, c in flat]
        sims = dict(zip(texts, (sentence_vectors(index.embedder, texts) @ qvec).tolist(), strict=True))
    lo, hi = (min(sims.values()), max(sims.values())) if sims else (0.0, 1.0)
    span = max(hi - lo, 1e-6)

    # how well each script question of the top articles matches the inquiry (rapidfuzz + terms,
    # and the e5 cosine where there is a query vector)
    scripts = [
        (doc, chunk)
        for doc, _ in per_doc
        for chunk in doc_chunks(index, doc.doc_id) or [h.chunk for h in doc.chunks]
        if chunk.section == "scripts" and chunk.meta.get("question")
    ]
    # this turn, in the wording script questions get (not kept in as_searched's cache: what a
    # customer wrote is held no longer than the request)
    inquiry = normalize_query(question, lexicon) if lexicon is not None else question
    asked = [as_searched(str(chunk.meta["question"]), lexicon) for _, chunk in scripts]
    qsims: list[float] = [0.0] * len(scripts)
    if qvec is not None and scripts:
        qsims = (sentence_vectors(index.embedder, asked) @ qvec).tolist()
    question_fit: dict[str, float] = {}
    script_best: tuple[float, DocHit, Chunk, str] | None = None  # fit, article, Q/A, its question
    first_two = {d.doc_id for d, _ in per_doc[:2]}
    for (doc, chunk), text, qsim in zip(scripts, asked, qsims, strict=True):
        fit = script_fit(inquiry, qterms, text, w)
        if qvec is not None:
            fit = 0.5 * fit + 0.5 * min(1.0, max(0.0, (qsim - _COS_LOW) / (_COS_HIGH - _COS_LOW)))
        question_fit[chunk.chunk_id] = fit
        if doc.doc_id in first_two and (script_best is None or fit > script_best[0]):
            script_best = (fit, doc, chunk, text)

    best: tuple[float, DocHit, Candidate] | None = None
    scored: dict[str, list[tuple[float, Candidate]]] = {d.doc_id: [] for d in docs}
    # the gate's level is measured on the e5 cosine span; other models' cosines have another span
    gate = _SCRIPT_SENTENCE_FIT if "e5" in index.embedder.model_id else 0.0
    for doc, cand in flat:
        if question_fit.get(cand.chunk.chunk_id, 1.0) < gate:
            continue  # a script answer's sentence answers its own question, not this inquiry
        rel = max(doc.score, 0.0) / top_score
        terms = term_set(cand.fit_text)
        dense = (sims[vector_text(cand)] - lo) / span if sims else 0.0
        w_terms, w_dense, w_focus, w_doc = FIT_WEIGHTS
        fit = (
            w_terms * overlap(qterms, terms, w, default)
            + w_dense * dense
            + w_focus * serves(cand.send_text, focus)
            + w_doc * rel
        )
        scored[doc.doc_id].append((fit, cand))
        if cand.context and any(n not in qterms and n not in question for n in _scene(cand.context)):
            fit *= _OTHER_SCENE  # not first: a situation set where the inquiry never goes
        if (best is None or fit > best[0]) and not closing_request(cand.send_text):
            best = (fit, doc, cand)  # "… 다시 말씀해 주십시오" ends a script's answer, never leads one

    result.features = {
        "sentence_dense": sims.get(vector_text(best[2]), 0.0) if best else 0.0,
        "script_fit": script_best[0] if script_best else 0.0,
        "sentence_fit": best[0] if best else 0.0,
        "focus_served": serves(best[2].send_text, focus) if best else 0.0,
        "has_focus": 1.0 if focus else 0.0,
    }
    if script_best and script_best[0] >= _SCRIPT_FIT:
        cands = [c for c in candidates_of([script_best[2]])]
        # ... and it holds its article's sentence that fits the question best (or its question is
        # nearly the inquiry's): a script whose question resembles the inquiry but whose answer
        # is about something else loses to the sentence that answers it (sample KB safety eval:
        # wrong-answer rate 0.240 -> 0.192 at coverage 0.694 -> 0.699; comparing with the best
        # sentence of all retrieved articles instead gave 0.193 and lost colloquial coverage)
        rows_of_doc = scored[script_best[1].doc_id]
        own = max((f for f, c in rows_of_doc if c.chunk.chunk_id == script_best[2].chunk_id), default=0.0)
        rival, rival_cand = max(rows_of_doc, key=lambda r: r[0], default=(0.0, None))
        # ... or the sentence that fits better lacks the time or cost asked for outright, which
        # the script's answer gives ("가스 출동 부르면 돈드나요??": "비용은 무료입니다" over the
        # leak procedure; why_unanswered() below checks the script's side)
        rival_misses = bool(wanted and rival_cand is not None and unanswered([rival_cand.send_text], wanted))
        # ... but a script question that names a thing the inquiry does not answers another question
        # ("정기배송 해지하면 위약금 있어요?" for "정기배송 해지하고 싶어요")
        names_more = own < rival and asks_more(script_best[3], inquiry, qterms, lexicon)
        if (
            cands
            and (own >= rival or (script_best[0] >= _SCRIPT_STRONG and not names_more) or rival_misses)
            and all(c.role.sendable or asked_the_same(c, question) for c in cands)
            and not any(said_before(c, said) for c in cands)
            and (not focus or max(serves(c.text, focus) for c in cands) > 0)
            and not why_unanswered([c.text for c in cands], wanted, question)  # the sentences' checks too
        ):
            if len(cands) > 1 and script_best[0] < _SCRIPT_STRONG and bare_reply(cands[0].send_text):
                cands = cands[1:]  # "네, 가능합니다." answered the script's own yes/no question
            result.sentences, result.strategy, result.doc = cands[: max(limit, 4)], "script", script_best[1]
            result.features["focus_served"] = max(serves(c.text, focus) for c in cands)
            return result
    if best is None:
        return result
    fit0, doc, first = best
    if wanted and unanswered([first.send_text], wanted):
        # asked for a time or an amount: the best sentence that carries one, if it fits nearly as well
        by_id = {d.doc_id: d for d in docs}
        carrying = max(
            (
                (f, by_id[d], c)
                for d, rows_of in scored.items()
                for f, c in rows_of
                if not unanswered([c.send_text], wanted)
            ),
            key=lambda r: r[0],
            default=None,
        )
        if carrying is not None and carrying[0] >= _ASKED_FIT * fit0:
            fit0, doc, first = carrying
    rows = sorted(scored[doc.doc_id], key=lambda r: -r[0])
    of_doc = [c for _, c in rows]
    chosen = _said_with(first, of_doc, limit)
    if chosen is None:  # the best sentence cannot stand: the best that can, if it fits nearly as well
        stand_in = next(
            (
                (fit, chain)
                for fit, cand in rows
                if fit >= _STAND_IN_FIT * fit0 and (chain := _said_with(cand, of_doc, limit))
            ),
            None,
        )
        if stand_in is None:
            return result
        fit0, chosen = stand_in
        first = chosen[-1]
    lead = list(chosen)  # the best sentence after what it points back at
    for fit, cand in rows:
        if len(chosen) >= limit:
            break
        if cand is first or fit < 0.8 * fit0:
            continue
        near = abs(cand.order - first.order) <= 2 or cand.chunk.chunk_id == first.chunk.chunk_id
        if (
            near
            and _stands_with(cand, chosen)
            and not _repeats(cand, chosen)
            and overlap(qterms, term_set(cand.send_text), w, default) > 0
        ):
            chosen.append(cand)
    # ... and the best sentence of another section of that article when it fits nearly as well:
    # the rule (정책) and the situation it applies to (주요 상황) often answer one question together
    extra: list[Candidate] = []
    if all(c.chunk.section == first.chunk.section for c in chosen):
        other = next(
            (
                cand
                for fit, cand in rows
                if cand.chunk.section != first.chunk.section
                and fit >= _OTHER_SECTION_FIT * fit0
                and _stands_with(cand, chosen)
                and not _repeats(cand, chosen)
            ),
            None,
        )
        if other is not None and limit > 1:  # the best sentence and its chain always stay
            extra = [other]
            chosen = chosen[: max(limit - 1, len(lead))]
    # the best sentence leads, its neighbours follow in source order, then the other section's
    # sentence ("주문 제작 상품은 … 취소할 수 없습니다" before the partial-cancel rule above it); a
    # situation's sentence follows the rule it qualifies ("마일리지는 적립일로부터 2년 …" before
    # "취소한 예약에 쓴 … 경우: … 30일입니다")
    rest = [c for c in chosen if c not in lead]
    if first.chunk.section == "situations" and any(c.chunk.section != "situations" for c in rest):
        answer = sorted(chosen, key=lambda c: c.order) + extra
    else:
        answer = lead + sorted(rest, key=lambda c: c.order) + extra
    texts = [c.send_text for c in answer]
    # no sentence gives the time, amount or other thing asked for, or they speak of the contrary
    # case (국제선 for 국내선): a hand-off
    result.why_none = why_unanswered(texts, wanted, question)
    if result.why_none:
        return result
    result.sentences = answer
    result.strategy, result.doc = "sentences", doc
    return result
