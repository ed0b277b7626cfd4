"""English draft titles that name the action asked for: "Link card", "Change name", "Delete account".

English inquiries are built around a verb ("How do I link a card?", "I need to change my name",
"Please terminate my account"), and a title from noun phrases alone keeps only the noun or the verb
("Link guide", "Change guide", "Account guide" twice on banking77: closing an account and the age
to open one). When the topic's best noun phrase is one word and a verb with its object is common
among the tickets (the verb right after "I", "to", "please", a modal or "how do I", helper verbs
such as "would like to" skipped; the object is the noun run after it, determiners skipped), the
title is that verb and object as written most: "Link card", "Delete account", "Open account".
Only a base form counts as the verb (not "tried", "verifying"), never a helper or a chat verb
(have, get, know, think …), and the object is a noun run of at most two words that is no stop word.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

__all__ = ["action_title"]

_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
# the verb follows one of these words ("how do I link", "need to change", "please close", "can you
# delete")
_BEFORE_VERB = frozenset("i we to please can could would will should must you".split())
# skipped between the trigger and the verb ("I would like to", "I need to", "can you please")
_HELPERS = frozenset(
    "would could can will should must might may do does did don't can't cannot not also just really "
    "like want wanted need needed wish try tried trying going able please still".split()
)
# never the action a topic is about
_VAGUE = frozenset(
    "be am is are was were been have has had get got know think help tell let go say see find make "
    "made use used do does did is i'm i've it's ask keep understand".split()
)
_DETERMINERS = frozenset("my a an the this that your our his her their some one any another".split())
# never an object's word
_NOT_OBJECT = frozenset(
    "it this that them me you us him her there here what how when why where which who if for to "
    "with from on in at by of about up out so and or but because as do does did is are be".split()
)
# share of a topic's tickets that must ask the same action, at least two tickets
MIN_SHARE = 0.25


@functools.cache
def _not_verbs() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # scikit-learn loads in seconds

    return _VAGUE | _NOT_OBJECT | _DETERMINERS | frozenset(ENGLISH_STOP_WORDS)


def _actions(text: str) -> set[tuple[str, tuple[str, ...]]]:
    """The (verb, object words) pairs of one inquiry, lowercased."""
    words = [w.lower() for w in _WORD.findall(text)]
    out: set[tuple[str, tuple[str, ...]]] = set()
    for i, word in enumerate(words[:-1]):
        if word not in _BEFORE_VERB:
            continue
        j = i + 1
        while j < len(words) and words[j] in _HELPERS:
            j += 1
        if j >= len(words) - 1:
            continue
        verb = words[j]
        if verb in _not_verbs() or len(verb) < 3 or verb.endswith(("ed", "ing", "'s")):
            continue  # "went to the ATM": no verb after "to"
        k = j + 1
        while k < len(words) and words[k] in _DETERMINERS:
            k += 1
        obj: list[str] = []
        while k < len(words) and len(obj) < 2 and words[k] not in _NOT_OBJECT:
            obj.append(words[k])
            k += 1
        if obj and not (len(obj) == 2 and obj[1] in _DETERMINERS):
            out.add((verb, tuple(obj)))
    return out


def action_title(texts: Sequence[str], best: Sequence[str], stop_words: frozenset[str]) -> str | None:
    """A "verb object" title for an English topic whose best noun phrase ``best`` is one word that is the
    verb or the object's last word, when at least :data:`MIN_SHARE` of ``texts`` (two at least) ask
    that action; else None."""
    if len(best) != 1 or not texts:
        return None
    key = best[0].lower()
    pairs: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for text in texts:
        for verb, obj in _actions(text):
            if obj[-1] in stop_words:
                continue
            pairs[verb, obj] += 1
            if len(obj) == 2:  # "link my new card" also asks to link a card
                pairs[verb, obj[-1:]] += 1
    least = max(2.0, MIN_SHARE * len(texts))
    fitting = [(n, verb, obj) for (verb, obj), n in pairs.items() if n >= least and key in (verb, obj[-1])]
    if not fitting:
        return None
    # the most asked; on a tie the shorter object, then the same one in every process
    _n, verb, obj = max(fitting, key=lambda f: (f[0], -len(f[2]), f[1], f[2]))
    return f"{verb.capitalize()} {_as_written(obj, texts)}"


def _as_written(obj: Sequence[str], texts: Sequence[str]) -> str:
    """The object as the tickets write it most ("PIN", not "pin"); on a tie the same in every
    process."""
    pattern = re.compile(r"\b" + r"\s+".join(re.escape(w) for w in obj) + r"\b", re.IGNORECASE)
    forms = Counter(" ".join(m.group(0).split()) for text in texts for m in pattern.finditer(text))
    return max(forms.items(), key=lambda kv: (kv[1], kv[0]))[0] if forms else " ".join(obj)
