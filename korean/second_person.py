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

__all__ = ["second_person", "situation_told", "they_told"]

_SUBORDINATE = r"until|unless|if|when|once|after|before|because|where|while|whether"
_LEAD = rf"(?P<lead>^\s*|[:;,.]\s*|\b(?:{_SUBORDINATE}|and|but|or|so|that|then)\s+)"
_SUBJECT = re.compile(
    _LEAD + r"(?P<who>the customer|the agent|agents)\s+(?P<verb>[A-Za-z']+)(?P<next>\s+[A-Za-z']+)?",
    re.IGNORECASE,
)
_CONDITION = re.compile(rf"^(?:{_SUBORDINATE})\s+$", re.IGNORECASE)
_BY = re.compile(r"\b(?P<prep>by) the customer\b(?!'s)", re.IGNORECASE)
# what a rule says of the customer: what they can, must or may do, or what is done to them
# ("will"/"might" say what the customer is expected to do in one flow: "… will give the reason")
_MODALS = frozenset("can cannot can't must may should".split())
_PASSIVE = re.compile(
    r"^(?:\w+ed|\w+en|paid|sent|made|kept|held|told|able|eligible|entitled|responsible|not)$", re.I
)
_BE = {"is": "are", "isn't": "aren't"}
_OBLIGED = {"needs": "need", "has": "have"}  # ... followed by "to"
# a present tense that tells what this customer believes, wants or is doing is a case, not a rule
_STATE = frozenset(
    "wants believes thinks says claims asks feels likes prefers knows reports mentions states is".split()
)
_PAST = re.compile(
    r"(?:ed|'d)$|^(?:said|paid|got|sent|made|chose|took|gave|told|asked|left|came|went|had|did|was|were)$"
)
_COORDINATED = re.compile(r"^(?P<conj>\s+(?:or|and)\s+)(?P<verb>[a-z]+s)\b")
_SECOND_VERB = re.compile(r"\b(?:and|or|instead|also|then)\s+(?:\w+\s+)?[a-z]+[^s]s\b")
# the customer referred to again ("… to their existing refund"): the sentence is about one person
_THIRD_PERSON = re.compile(r"\b(?:they|them|their|theirs|themselves|he|she|his|her|him)\b", re.IGNORECASE)


def _present(verb: str) -> str | None:
    """A third person singular present ("adds", "closes") agreeing with "you", or None."""
    low = verb.lower()
    if low in _STATE or _PAST.search(low) or not low.endswith("s") or low.endswith("ss") or len(low) < 3:
        return None
    return _without_s(verb)


def _without_s(verb: str) -> str:
    """The form of a third person singular present ("adds", "pushes", "carries") after "you"."""
    low = verb.lower()
    if low.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(?:ch|sh|ss|x|z|o)es$", low):
        return verb[:-2]  # pushes, misses, fixes
    return verb[:-1]


def _agreed(verb: str, following: str, *, plural: bool, condition: bool) -> str | None:
    """The verb after "you"/"we" when the clause states a rule, else None: a modal, an obligation
    ("needs to"), a passive ("is charged"), or -- in a condition ("until the customer adds …") --
    a present tense of an action."""
    low, after = verb.lower(), following.strip().lower()
    if low in _MODALS:
        return verb
    if low in _BE and _PASSIVE.match(after) and not after.endswith("ing"):
        return verb if plural else _BE[low]
    if low in _OBLIGED and after == "to":
        return verb if plural else _OBLIGED[low]
    if plural:
        return None
    return _present(verb) if condition else None


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
        condition = bool(_CONDITION.match(m["lead"]))
        agreed = _agreed(verb, m["next"] or "", plural=who == "agents", condition=condition)
        if agreed is None:
            return None
        pronoun = "you" if who == "the customer" else "we"
        if m["lead"].strip() == "." or (not m["lead"].strip() and m.start() == 0):
            pronoun = pronoun.capitalize()  # a sentence starts with it
        end = m.end("verb")
        rest = _COORDINATED.match(sentence[end:])
        tail = ""
        if rest and condition and who == "the customer":
            second = _present(rest["verb"])
            if second is None:
                return None
            tail = rest["conj"] + second
            end += rest.end()
        clause = re.split(r"[,;:.]", sentence[end:], maxsplit=1)[0]
        if condition and _SECOND_VERB.search(clause):
            return None  # "… and instead wants to …": a second predicate still about them
        between = sentence[m.end("who") : m.start("verb")]
        out.append(sentence[last : m.start("who")] + pronoun + between + agreed + tail)
        last = end
        changed = True
    text = "".join(out) + sentence[last:]
    text, passives = _BY.subn(lambda m: f"{m['prep']} you", text)
    if not (changed or passives) or re.search(r"\bcustomers?\b|\bagents?\b", text, re.IGNORECASE):
        return None
    return None if _THIRD_PERSON.search(text) else text


# "they" as agent guidelines write the customer ("… they must be able to provide their current
# address"): a rule when each "they" is followed by a modal, an obligation, a passive or (in a
# condition) a present tense; "they want …", "they have already returned their item" are this
# customer's case and stay as they are
_THEY = re.compile(
    rf"(?P<lead>^\s*|[:;,.]\s*|\b(?:{_SUBORDINATE}|and|but|or|so|that|then)\s+)they\s+"
    r"(?P<verb>[A-Za-z']+)(?P<next>\s+[A-Za-z']+)?",
    re.IGNORECASE,
)
_THEIRS = {"they": "you", "them": "you", "their": "your", "theirs": "yours", "themselves": "yourself"}
_OTHER_PERSON = re.compile(r"\b(?:he|she|his|her|him|hers|himself|herself)\b", re.IGNORECASE)


def they_told(sentence: str) -> str | None:
    """A rule written of the customer as "they" told to the customer ("… they must be able to
    provide their current address" → "… you must be able to provide your current address"), or
    None. The caller decides that "they" is the customer (``korean.roles_en``)."""
    people = re.search(
        r"\bcustomers?\b(?! (?:support|service|care|cent(?:er|re)))|\bagents?\b", sentence, re.I
    )
    if _OTHER_PERSON.search(sentence) or people:
        return None
    if re.search(r"\byou(?:r|rs)?\b", sentence, re.IGNORECASE):
        return None  # "you" is already someone: "they" is someone else
    first = re.search(r"\b(?:they|them|their|theirs|themselves)\b", sentence, re.IGNORECASE)
    if first is None or first[0].lower() != "they":
        return None  # "Provide a link to their account …": said to the agent, of the customer
    found = list(_THEY.finditer(sentence))
    if not found or len(found) != len(re.findall(r"\bthey\b", sentence, re.IGNORECASE)):
        return None
    for m in found:
        verb, after = m["verb"].lower(), (m["next"] or "").strip().lower()
        condition = bool(_CONDITION.match(m["lead"]))
        rule = (
            verb in _MODALS
            or (verb in ("need", "have") and after == "to")
            or (verb == "are" and (_PASSIVE.match(after) or condition) and after not in ("already", "not"))
            or (
                condition
                and verb not in _STATE
                and verb != "are"
                and not _PAST.search(verb)
                and verb.isalpha()
            )
        )
        if not rule or verb in ("will", "would", "were", "had", "did", "do", "don't", "does", "already"):
            return None

    def swap(m: re.Match[str]) -> str:
        word = _THEIRS[m[0].lower()]
        return word.capitalize() if m[0][0].isupper() else word

    return re.sub(r"\b(?:they|them|their|theirs|themselves)\b", swap, sentence, flags=re.IGNORECASE)


# a situation as agents' guides label it ("Member wants to freeze for one week only: the minimum
# is 14 days; they can freeze …", "Member lost a phone that held downloads: Remove the lost phone
# …"): told to the customer as "If you want to freeze …: …; you can freeze …"
_SITUATION = re.compile(
    r"^(?:(?:a|the)\s+)?(?:member|customer|user|subscriber)\s+"
    r"(?P<adv>(?:no longer|already|still|never|just|also|now)\s+)?(?P<verb>[a-z']+)"
    r"(?P<rest>[^:;]{0,120}?)\s*:\s+(?P<body>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_YOU_FORMS = {
    "is": "are",
    "was": "were",
    "has": "have",
    "does": "do",
    "isn't": "aren't",
    "wasn't": "weren't",
    "hasn't": "haven't",
    "doesn't": "don't",
}
_NOT_VERBS = frozenset("on in at with of from for who whose whom that which and or a an the to by".split())
_THE_MEMBER = re.compile(
    r"\bthe (?:member|customer)\b(?=\s+(?:can|cannot|can't|must|may|should|will|needs to|has to)\b)",
    re.IGNORECASE,
)


def _agreed_with_you(verb: str) -> str | None:
    """ "wants" → "want", "is" → "are"; a past tense or modal as it is; None for what is no verb."""
    low = verb.lower()
    if low in _YOU_FORMS:
        return _YOU_FORMS[low]
    if low in _NOT_VERBS or not re.fullmatch(r"[a-z']+", low):
        return None
    if low.endswith("s") and not low.endswith("ss"):
        return _without_s(verb)
    return verb  # lost, let, could, wanted: the same with "you"


def situation_told(sentence: str) -> str | None:
    """A guide's "Member <does something>: <what applies>" told to that member ("If you want …:
    … you can …"), or None when a part of it cannot be said to them."""
    m = _SITUATION.match(sentence.strip())
    if m is None:
        return None
    verb = _agreed_with_you(m["verb"])
    if verb is None:
        return None
    if re.search(r"\b(?:and|or)\s+[a-z]+s\b", m["rest"], re.IGNORECASE):
        return None  # "is frozen and wants to cancel": a second verb to agree (or a plural noun)
    label = f"{m['adv'] or ''}{verb}{m['rest']}"
    body = _THE_MEMBER.sub("you", m["body"])
    if re.search(r"\b(?:they|them|their|theirs|themselves)\b", f"{label} {body}", re.IGNORECASE):
        return they_told(f"If they {label}: {body}")  # each "they" checked, or None
    if re.search(r"\bthe (?:member|customer)\b", body, re.I) or _OTHER_PERSON.search(f"{label} {body}"):
        return None
    return f"If you {label}: {body}"
