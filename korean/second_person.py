"""English rules written about "the customer" and "the agent", told to the customer instead.

English KB articles written for agents state their rules in the third person ("Preparing for
shipment: the customer cannot change it in the app. The agent can request the change until the
order leaves the warehouse"). As written such a sentence is an agent note (:mod:`korean.roles`);
when "the customer" or "the agent" is the subject of a present-tense rule, or the agent of a
passive ("… paid by the customer"), the same rule addressed to the customer is safe: "you cannot
change it in the app", "we can request the change until …". :func:`second_person` makes that
rewrite, or returns None: a past tense (what happened in one case), a possessive, the customer as
an object ("ask the customer to …", "told the customer") or any other mention left over.
``korean.roles`` keeps the rewrite only when it is itself a general sentence.
"""

from __future__ import annotations

import re

__all__ = ["second_person"]

_LEAD = (
    r"(?P<lead>^\s*|[:;,.]\s*|\b(?:until|unless|if|when|once|after|before|because|so|and|but|or|where|while|"
    r"that|then)\s+)"
)
_SUBJECT = re.compile(_LEAD + r"(?P<who>the customer|the agent|agents)\s+(?P<verb>[A-Za-z']+)", re.IGNORECASE)
_BY = re.compile(r"\b(?P<prep>by) the customer\b(?!'s)", re.IGNORECASE)
_MODALS = frozenset(
    "can cannot can't must may might should will won't would could shall also only still usually".split()
)
_IRREGULAR = {
    "is": "are", "isn't": "aren't", "was": None, "wasn't": None, "has": "have", "hasn't": "haven't",
    "does": "do", "doesn't": "don't", "needs": "need", "goes": "go",
}  # fmt: skip
_PAST = re.compile(
    r"(?:ed|'d)$|^(?:said|paid|got|sent|made|chose|took|gave|told|asked|left|came|went|had|did)$"
)
_COORDINATED = re.compile(r"^(?P<conj>\s+(?:or|and)\s+)(?P<verb>[a-z]+s)\b")


def _base(verb: str) -> str | None:
    """The verb agreeing with "you"/"we" instead of a third person singular, or None."""
    low = verb.lower()
    if low in _MODALS:
        return verb
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if _PAST.search(low) or not low.endswith("s") or low.endswith("ss") or len(low) < 3:
        return None
    if low.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(?:ch|sh|x|z|o)es$", low):
        return verb[:-2]
    return verb[:-1]


def _plural_ok(verb: str) -> str | None:
    """The verb after a plural subject ("agents …") stays; a past tense still is one case."""
    return None if _PAST.search(verb.lower()) else verb


def second_person(sentence: str) -> str | None:
    """``sentence`` told to the customer ("the customer can …" → "you can …", "the agent can …" →
    "we can …", "… paid by the customer" → "… paid by you"), or None when that is not safe."""
    if re.search(r"\bthe customer's\b|\bcustomers'", sentence, re.IGNORECASE):
        return None
    out: list[str] = []
    last = 0
    changed = False
    for m in _SUBJECT.finditer(sentence):
        who, verb = m["who"].lower(), m["verb"]
        agreed = _plural_ok(verb) if who == "agents" else _base(verb)
        if agreed is None:
            return None
        pronoun = "you" if who == "the customer" else "we"
        if m["lead"].strip() == "." or (not m["lead"].strip() and m.start() == 0):
            pronoun = pronoun.capitalize()  # a sentence starts with it
        end = m.end()
        rest = _COORDINATED.match(sentence[end:])
        tail = ""
        if rest and who != "agents":
            second = _base(rest["verb"])
            if second is None:
                return None
            tail = rest["conj"] + second
            end += rest.end()
        out.append(
            sentence[last : m.start("who")]
            + pronoun
            + sentence[m.end("who") : m.start("verb")]
            + agreed
            + tail
        )
        last = end
        changed = True
    text = "".join(out) + sentence[last:]
    text, passives = _BY.subn(lambda m: f"{m['prep']} you", text)
    if not (changed or passives) or re.search(r"\bcustomers?\b|\bagents?\b", text, re.IGNORECASE):
        return None
    return text
