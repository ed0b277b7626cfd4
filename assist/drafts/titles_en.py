"""English draft titles that say what is asked: "Link card", "Delete account", "Card not working".

English inquiries are built around a verb ("How do I link a card?", "I need to change my name",
"Please terminate my account"), and a title from noun phrases alone keeps only the noun or the verb
("Link guide", "Change guide", "Account guide" twice on banking77: closing an account and the age
to open one). When the topic's best noun phrase is one word and a verb with its object is common
among the tickets (the verb right after "I", "to", "please", a modal or "how do I", helper verbs
such as "would like to" skipped; or a clause's first word, an imperative, where the topic also
uses that verb after such a word; the object is the noun run after it, determiners skipped), the
title is that verb and object as written most: "Link card", "Delete account", "Freeze account".
Only a base form counts as the verb (not "tried", "verifying"), never a helper, a function word or
a chat verb (have, get, know, think …). When no action fits and a quarter of the tickets say that
the noun (or a two-noun phrase) fails ("my card does not work", "My card stopped working", "My
transfer didn't go through", "my cash withdrawal is still pending"), the problem titles it, worded
as most of them word it: "Card not working", "Transfer not going through", "Cash withdrawal
pending" (banking77 had "Transfer guide" three times, "Card payment guide", "Cash withdrawal guide").
A problem word that is the topic's phrase alone ("declined", "blocked") is titled with what a
quarter of the tickets say it of: "Card declined", "PIN blocked", "Card stolen" ("Someone stole my
card" counts), "Top up failed" ("my top up hasn't gone through" counts); banking77 had "Declined
issues" twice, "Blocked issues", "Stolen issues" and "Failed issues".
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

__all__ = ["action_title", "english_stop_words", "problem_title", "state_title"]

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
_DETERMINERS = frozenset(
    "my a an the this that your our his her their some one any another all every each".split()
)
# never an object's word (nor one with an apostrophe: "Freeze my account it's been hacked")
_NOT_OBJECT = (
    frozenset(
        "it this that them me you us him her there here what how when why where which who if for to "
        "with from on in at by of about up out so and or but because as now asap again yet too "
        "already anymore soon".split()
    )
    | _HELPERS
    | _VAGUE
)
_SENTENCE = re.compile(r"[.!?,;\n]+")  # a clause after a comma may be an imperative
_START = "<s>"  # a sentence's start, before its first word
# share of a topic's tickets that must ask the same action, at least two tickets
MIN_SHARE = 0.25


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _least(texts: Sequence[str]) -> float:
    """How many of a topic's tickets must say a thing for it to title the topic."""
    return max(2.0, MIN_SHARE * len(texts))


def _headed(phrase: str, rest: str) -> str:
    """``phrase`` as written, its first letter capitalised, then ``rest``: "PIN blocked"."""
    return f"{phrase[:1].upper()}{phrase[1:]} {rest}"


@functools.cache
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, loaded on first use (scikit-learn loads in seconds)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@functools.cache
def _not_verbs() -> frozenset[str]:
    return _VAGUE | _NOT_OBJECT | _DETERMINERS | english_stop_words()


def _actions(text: str) -> set[tuple[str, tuple[str, ...], bool]]:
    """The (verb, object words, at a sentence's start) triples of one inquiry, lowercased: the verb
    after a trigger word, or a sentence's first word (an imperative: "Freeze my account")."""
    out: set[tuple[str, tuple[str, ...], bool]] = set()
    for sentence in _SENTENCE.split(text):
        words = [_START, *_words(sentence)]
        for i, word in enumerate(words[:-1]):
            if word not in _BEFORE_VERB and word != _START:
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
            while k < len(words) and len(obj) < 2 and words[k] not in _NOT_OBJECT and "'" not in words[k]:
                obj.append(words[k])
                k += 1
            if obj and not (len(obj) == 2 and obj[1] in _DETERMINERS):
                out.add((verb, tuple(obj), word == _START and j == i + 1))
    return out


def action_title(texts: Sequence[str], best: Sequence[str], stop_words: frozenset[str]) -> str | None:
    """A "verb object" title for an English topic whose best noun phrase ``best`` is one word that is the
    verb or the object's last word, when at least :data:`MIN_SHARE` of ``texts`` (two at least) ask
    that action; else None."""
    if len(best) != 1 or not texts:
        return None
    key = best[0].lower()
    found = [_actions(text) for text in texts]
    # a sentence's first word is a verb only where the topic also uses it after "I", "to" …
    verbs = {verb for triples in found for verb, _obj, start in triples if not start}
    pairs: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for triples in found:
        for verb, obj in {(v, o) for v, o, start in triples if not start or v in verbs}:
            if obj[-1] in stop_words:
                continue
            pairs[verb, obj] += 1
            if len(obj) == 2:  # "link my new card" also asks to link a card
                pairs[verb, obj[-1:]] += 1
    least = _least(texts)
    fitting = [(n, verb, obj) for (verb, obj), n in pairs.items() if n >= least and key in (verb, obj[-1])]
    if not fitting:
        return None
    # the most asked; on a tie the shorter object, then the same one in every process
    _n, verb, obj = max(fitting, key=lambda f: (f[0], -len(f[2]), f[1], f[2]))
    return f"{verb.capitalize()} {_as_written(obj, texts)}"


def _as_written(obj: Sequence[str], texts: Sequence[str]) -> str:
    """The object as the tickets write it most ("PIN", not "pin"), an acronym as one when a third of
    them write it in capitals (banking77: "pin" 5, "PIN" 4); on a tie the same in every process."""
    pattern = re.compile(r"\b" + r"\s+".join(re.escape(w) for w in obj) + r"\b", re.IGNORECASE)
    forms = Counter(" ".join(m.group(0).split()) for text in texts for m in pattern.finditer(text))
    capitals = Counter({form: n for form, n in forms.items() if form.isupper() and len(form) > 1})
    if capitals and 3 * capitals.total() >= forms.total():
        forms = capitals
    return max(forms.items(), key=lambda kv: (kv[1], kv[0]))[0] if forms else " ".join(obj)


# what fails, as a title says it: "my card does not work", "card stopped working" -> "Card not working"
_FAILS = {
    "work": "not working",
    "working": "not working",
    "go": "not going through",
    "gone": "not going through",
    "arrive": "not arrived",
    "arrived": "not arrived",
    "load": "not loading",
    "loading": "not loading",
    "open": "not opening",
    "opening": "not opening",
    "show": "not showing",
    "showing": "not showing",
    "shown": "not showing",
    "appear": "not showing",
    "appearing": "not showing",
}
# a state that is the problem, said right after the noun ("my transfer failed", "transfer is pending")
_STATES = {"failed": "failed", "declined": "declined", "pending": "pending"}
# the only words between the noun and its state ("has been declined", "is showing as pending")
_LINKS = frozenset(
    "is are was were has have had been be being still stay stays remain remains got gets "
    "showing shows as always keeps just".split()
)
# with every word that ends in n't (doesn't, isn't, won't)
_NEGATION = frozenset("not never stopped doesnt isnt didnt wont hasnt cant".split())
_LOOK_AHEAD = 4  # words after the noun in which the negation and the failing verb stand
_FAIL_AHEAD = 3  # words after the negation in which the failing verb stands ("not seem to work")


def _negation(word: str) -> bool:
    return word in _NEGATION or word.endswith("n't")


def _failures(words: Sequence[str], phrase: Sequence[str]) -> set[str]:
    """How the text's lowercased ``words`` say ``phrase`` fails ("not working", "pending" …)."""
    found: set[str] = set()
    n = len(phrase)
    for i in range(len(words) - n + 1):
        here = words[i : i + n]
        if here[:-1] != list(phrase[:-1]) or here[-1].rstrip("s") != phrase[-1].rstrip("s"):
            continue
        if i and words[i - 1] in _STATES:  # "a pending transfer", "the failed transfer"
            found.add(_STATES[words[i - 1]])
        after = words[i + n : i + n + _LOOK_AHEAD]
        neg = next((j for j, w in enumerate(after) if _negation(w)), None)
        if neg is not None:
            fail = next((_FAILS[w] for w in after[neg + 1 : neg + 1 + _FAIL_AHEAD] if w in _FAILS), None)
            if fail is not None:
                found.add(fail)
                continue
        for w in after:
            if w in _STATES:
                found.add(_STATES[w])
            if w not in _LINKS:
                break
    return found


def problem_title(texts: Sequence[str], best: Sequence[str]) -> str | None:
    """A "noun not working" title for an English topic whose best noun phrase ``best`` (one or two
    nouns) at least :data:`MIN_SHARE` of ``texts`` (two at least) say fails ("my card does not
    work", "My card stopped working", "My transfer failed", "my transfer is pending"), worded as
    most of them say it; else None."""
    if not best or len(best) > 2 or not texts:
        return None
    phrase = [w.lower() for w in best]
    said: Counter[str] = Counter()
    failing = 0
    for text in texts:
        found = _failures(_words(text), phrase)
        said.update(found)
        failing += bool(found)
    if not said or failing < _least(texts):
        return None
    fail, _n = max(said.items(), key=lambda kv: (kv[1], kv[0]))
    noun = _as_written(phrase, texts)
    return _headed(noun, fail)  # "PIN not working", "Transfer pending"


# a problem word a topic's phrase can be alone ("Declined issues"): what is declined titles it
_STATE_WORDS = frozenset("failed declined delayed missing lost stolen blocked".split())
# a particle that makes one noun of the word before it ("top up", "sign up", "log in")
_PARTICLES = frozenset("up in out".split())
# the active verb of a state: what is after it is what the state is said of ("Someone stole my card")
_ACTIVE = {
    "stolen": frozenset({"stole", "steal"}),
    "declined": frozenset({"decline", "declining"}),
    "blocked": frozenset({"block", "blocking"}),
    "lost": frozenset({"lose", "losing"}),
}
# between the thing and its state ("my card keeps getting declined", "a payment that was declined")
_BEFORE_STATE = _LINKS | frozenset("getting get keep be that".split())


def _negates_a_failing_verb(words: Sequence[str], k: int) -> bool:
    """``words[k]`` is a negation a failing verb follows ("hasn't gone through", "did not work")."""
    if not _negation(words[k]):
        return False
    return any(w in _FAILS for w in words[k + 1 : k + 1 + _FAIL_AHEAD])


def state_title(texts: Sequence[str], best: Sequence[str], stop_words: frozenset[str]) -> str | None:
    """A "Card declined" or "PIN blocked" title for an English topic whose best phrase ``best`` is a
    problem word alone ("declined"), when at least :data:`MIN_SHARE` of ``texts`` (two at least)
    say it of the same thing: right before it, across "is", "was", "has been" … ("my card has been
    declined", "My PIN is blocked"), or right after it or its active verb ("a blocked PIN",
    "Someone stole my card"); "failed" also before a negated failing verb ("my top up hasn't gone
    through"); else None."""
    if len(best) != 1 or best[0].lower() not in _STATE_WORDS or not texts:
        return None
    state = best[0].lower()

    def thing(words: Sequence[str], j: int) -> tuple[str, ...] | None:
        word = words[j] if 0 <= j < len(words) else ""
        before = words[j - 1] if j > 0 else ""
        verb = before and before not in _NOT_OBJECT | _DETERMINERS | _ACTIVE.get(state, frozenset()) | {state}
        if word in _PARTICLES and verb and "'" not in before:  # not "declined in" of "declined in a shop"
            return (before, word)  # "my top up failed" ("top" is one of scikit-learn's stop words)
        if not word or word in stop_words or word in _HELPERS or word in _DETERMINERS or "'" in word:
            return None
        if word.endswith("ing") or word == state:
            return None
        return (word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word,)

    said: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        words = _words(text)
        found: set[tuple[str, ...]] = set()
        for k, word in enumerate(words):
            # "failed" is also said as a failing verb: "my top up hasn't gone through", "did not work"
            fails = state == "failed" and _negates_a_failing_verb(words, k)
            if word != state and word not in _ACTIVE.get(state, ()) and not fails:
                continue
            j = k - 1
            while j >= 0 and (words[j] in _BEFORE_STATE or (fails and words[j] in _HELPERS)):
                j -= 1
            after = k + 1
            while after < len(words) and words[after] in _DETERMINERS:
                after += 1
            for noun in (
                thing(words, j) if word == state or fails else None,
                None if fails else thing(words, after),
            ):
                if noun is not None:
                    found.add(noun)
                    break
        said.update(found)
    if not said:
        return None
    noun, n = max(said.items(), key=lambda kv: (kv[1], kv[0]))
    if n < _least(texts):
        return None
    return _headed(_as_written(noun, texts), state)
