"""The things an English yes/no inquiry asks about (:mod:`korean.things` reads Korean ones).

"Can I pick up my order at a convenience store near my hotel?" shares *order* with every article
of a shop's knowledge base, whose pick-up and delivery sentences then fit well and were sent with
confidence 0.92, though no article says a word about convenience stores. :func:`asked_if_words`
gives the content words of the sentences that ask whether something can be done, is so or has
to be done ("Can I …?", "Do I have to …?", "Is there …?", "Will you …?"), so the answer layer can
check that the knowledge base mentions each of them (:mod:`assist.unmentioned`) before it answers.

A word counts when it is Latin, at least three letters, not a function word, not a word of time
(today, weekend: when, not what), not a person (cousin, friend: who, not what), not the
customer's own (the words after "my": "sent to my workplace"; but :func:`asked_how_objects`
gives the own thing an asked action is done to, "cancel my subscription"), not a word that
only asks or hedges (possible, allowed, still) and not a light verb (use, get, see). An action
counts ("Can I *pause* my membership?") as Korean predicate nouns do. Words are lowercased, not
stemmed: the index's tokenizer decides how they compare (``indexes.lexical.stem_en``), and
:func:`word_forms` gives the irregular forms the stemmer does not join (send/sent, pay/paid).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "asked_how_action",
    "asked_how_objects",
    "asked_how_words",
    "asked_if_words",
    "named_words",
    "word_forms",
]

# a sentence that asks whether: an auxiliary first (after an optional "and", "so", "also" …)
_YES_NO = re.compile(
    r"^(?:(?:and|so|but|also|ok|okay|hi|hello|hey|please|then)[,\s]+)*"
    r"(?:can|could|may|might|do|does|did|is|are|was|were|will|would|should|shall|have|has|am|must)\b",
    re.IGNORECASE,
)
# a question word anywhere makes the sentence ask what/how/when, not whether
_WH = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[?!.\n])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
# function words, sentence adverbs (anyway, maybe), number words (twelve months is how many, not
# what) and adjectives that rate a way rather than name a thing ("a proper way", "a quick way")
_FUNCTION = frozenset(
    """a an and are as at be been being but by for from if in into is it its no not of on or such
    that the their them then there these they this those to was will with i me my mine myself we us
    our ours you your yours yourself he him his she her hers am do does did done doing can could
    would should shall may might must have has had having get got getting go goes going gone make
    made take took let lets just also still even only really very too so then than any some all
    both each every more most much many other another own same again already yet ever never here
    about after before above below over under up down out off near through during until while
    instead either neither nor whether ok okay please hi hello hey thanks thank yes yeah sure want
    without within once twice
    cant dont wont didnt doesnt isnt arent wasnt werent couldnt shouldnt wouldnt havent hasnt hadnt
    im ive youre thats theres whats pls plz thx lol lmao btw u ur onto well
    wanted wants like need needs needed able possible allowed allow okay fine way thing things stuff
    something anything everything nothing one ones someone anyone anybody somebody it's i'm i've
    i'd i'll you're don't doesn't didn't can't cannot won't isn't aren't wasn't there's that's
    use used using see know find try come put keep give help ask tell say
    anyway anyhow actually maybe perhaps probably somehow though however otherwise basically
    definitely literally
    two three four five six seven eight nine ten eleven twelve twenty thirty hundred thousand half
    proper correct official legit easy easier easiest quick quicker quickest simple simpler good""".split()
)
# irregular verbs of support questions: base and past forms the Snowball stemmer keeps apart
_IRREGULAR = tuple(
    frozenset(group.split("/"))
    for group in """pay/paid send/sent buy/bought sell/sold lose/lost spend/spent leave/left
    bring/brought hold/held keep/kept get/got/gotten give/gave/given take/took/taken make/made
    find/found tell/told see/saw/seen choose/chose/chosen forget/forgot/forgotten break/broke/broken
    write/wrote/written steal/stole/stolen""".split()
)
# what a question word asks for, not about: the kind of information ("How much does it cost?",
# "How long does it take?", "What is the status …?", "How do I sort it out?") -- Korean:
# korean.things' 액수, 기간, 방법 …
_INFO_KINDS = frozenset(
    """what which who whom whose when where why how long much many often far soon late early
    cost costs price prices fee fees charge charges amount amounts number numbers total rate rates
    way ways step steps process procedure procedures reason reasons difference differences
    happen happens happened mean means meaning status rule rules policy policies info information
    detail details option options kind kinds type types best exactly work works working deal
    limit limits maximum minimum max min deadline requirement requirements needed
    fix fixed solve solved resolve resolved sort sorted handle handled""".split()
)
# asking to be told, in a yes/no sentence whose question word says what ("can i get a description
# of how to use a disposable virtual card", banking77)
_REQUEST = frozenset(
    """description describe explanation explain explained instructions instruction guide guidance
    clarify clarification overview tutorial show tell know idea clue understand""".split()
)
# possessives: what follows is the customer's own ("sent to my workplace", "near my hotel"), a
# circumstance of the case, not a thing the service offers
_OWNERS = frozenset("my our your his her their".split())
_TIME = frozenset(
    """today tomorrow yesterday tonight morning evening night afternoon week weeks weekend weekends
    month months year years day days hour hours minute minutes time times now later soon earlier
    monday tuesday wednesday thursday friday saturday sunday date moment""".split()
)
_PEOPLE = frozenset(
    """friend friends family mom mother dad father parent parents wife husband partner son daughter
    kid kids child children brother sister cousin grandma grandpa grandmother grandfather boyfriend
    girlfriend roommate colleague coworker boss person people someone else guy guys folks ppl""".split()
)


def asked_if_words(question: str) -> list[str]:
    """Content words of the question's yes/no sentences, lowercased, in order, once each.

    "Can I pick up my order at a convenience store near my hotel?" → pick, convenience, store
    (my order, my hotel: the customer's own); "Which card brands can I use?" → none (it asks which).
    """
    clauses = (_asking_clause(sentence.strip()) for sentence in _SENTENCE_END.split(question.strip()))
    return _content_words(c for c in clauses if c)


def asked_how_words(question: str) -> list[str]:
    """Content words of the question's what/how/when … clauses, as :func:`asked_if_words` gives
    them, less the words naming the kind of information asked for (cost, long, status …).

    "I got a 30-day suspension for letting a friend in on my card. How do I appeal it?" → appeal
    (the story before the question is the case, not what is asked); "How much is a guest pass?"
    → guest, pass.
    """
    clauses = (_wh_clause(sentence.strip()) for sentence in _SENTENCE_END.split(question.strip()))
    return [w for w in _content_words(c for c in clauses if c) if w not in _INFO_KINDS]


# after these, "my …" is where or with what (sent to my workplace, without my card), not the thing
# an action is done to
_PREPOSITIONS = frozenset(
    """to at near in on from for with without of about into onto by after before during under
    over via through within across behind beside between inside outside around against""".split()
)


# after these, "my …" is what the sentence is about, not what an action is done to ("Why is my
# debit card declined?", "Why didn't my top-up go through?")
_AUXILIARIES = frozenset(
    """is are was were be been am do does did has have had will would can could should may might
    must shall isn aren wasn weren don doesn didn hasn haven hadn won wouldn couldn shouldn""".split()
)


def asked_how_objects(question: str) -> list[str]:
    """The customer's own thing an asked action is done to ("How do I cancel my subscription?" →
    subscription; "How long do you keep my personal data …?" → personal, data), as
    :func:`asked_how_words` leaves them out; not "my …" after a preposition ("the status of my
    refund", "without my card"), which is the case's circumstance, nor after an auxiliary ("Why is
    my card declined?"), where it is what the sentence is about."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(question.strip()):
        clause = _wh_clause(sentence.strip())
        words = [w.lower() for w in _WORD.findall(clause)]
        for i, w in enumerate(words):
            prev = words[i - 1] if i else ""
            if (
                w not in _OWNERS
                or not prev
                or prev in _PREPOSITIONS
                or prev in _AUXILIARIES
                or prev.endswith("n't")
            ):
                continue
            for after in words[i + 1 :]:
                if after in _FUNCTION or after in _PREPOSITIONS:
                    break
                if _content(after) and after not in out:
                    out.append(after)
    return out


# "How do I remove …?", "How can we cancel …", "how to unlink …": the action asked about
_HOW_ACTION = re.compile(
    r"\bhow (?:do|can|should|could|would) (?:i|we|you)(?: (?:just|still|ever|actually|now))? ([a-z]{3,})\b|"
    r"\bhow to ([a-z]{3,})\b",
    re.IGNORECASE,
)


# ways of reaching or seeing something: asked in the customer's words more often than the KB's
# ("How can I lookup where funds came from?", "How do I view the card …?": banking77, answered right)
_ACCESS_VERBS = frozenset(
    "view see find check look lookup locate access get know tell use do make log sign go reach contact "
    "open track obtain receive read show".split()
)


def asked_how_action(question: str) -> list[str]:
    """The action a how-question asks about ("How do I remove an old insurance plan …?" → remove):
    a knowledge base that never names it does not say how (sent at 0.94 on an unseen pharmacy KB
    with how to add a plan). Not a way of reaching or seeing something (:data:`_ACCESS_VERBS`)."""
    out: list[str] = []
    for m in _HOW_ACTION.finditer(question):
        verb = (m.group(1) or m.group(2)).lower()
        if verb not in _FUNCTION and verb not in _ACCESS_VERBS and _content(verb) and verb not in out:
            out.append(verb)
    return out


def _content_words(clauses: Iterable[str]) -> list[str]:
    out: list[str] = []
    for text in clauses:
        owned = False  # inside "my …": the customer's own circumstances (my workplace, my hotel)
        for word in _WORD.findall(text):
            w = word.lower()
            if w in _OWNERS:
                owned = True
                continue
            if w in _FUNCTION and w != "own":
                owned = False
            if owned or not _content(w):
                continue
            if w not in out:
                out.append(w)
    return out


def _content(word: str) -> bool:
    """A lowercased word that can name a thing: three letters or more, not a function word, a
    word of time or a person, nor a possessive ("friend's")."""
    return (
        len(word) >= 3
        and word not in _FUNCTION
        and word not in _TIME
        and word not in _PEOPLE
        and not word.endswith("'s")
    )


def _wh_clause(sentence: str) -> str:
    """The clause of a sentence from its question word on ("… my card. How do I appeal it?" →
    "How do I appeal it?"), or "" when it asks no what/how/when; a statement ("I know how it
    works.") asks nothing: the sentence ends in a question mark or opens with the word."""
    match = _WH.search(sentence)
    if not match or not (sentence.rstrip().endswith("?") or match.start() == 0):
        return ""
    return sentence[match.start() :]


def _asking_clause(sentence: str) -> str:
    """The yes/no clause of a sentence, from its auxiliary on ("If it arrived broken, will you …?"
    → "will you …?": the if-clause only sets the scene), or "" when it asks what/how or nothing.
    A sentence that opens with its auxiliary asks whether up to a question word inside it ("Does
    the bank feed categorise imported transactions or suggest which invoice they match?" → "Does
    … or suggest": sent at 0.86 on an unseen invoicing KB that never writes categorise)."""
    if not sentence:
        return ""
    match = _WH.search(sentence)
    if match:
        if not _YES_NO.match(sentence):
            return ""
        # "can i get a description of how to …", "Could you explain what …": a request to be told
        words = [w.lower() for w in _WORD.findall(sentence[: match.start()])]
        return "" if _REQUEST.intersection(words) else sentence[: match.start()].strip()
    parts = sentence.split(",")
    for i in range(len(parts)):
        clause = ",".join(parts[i:]).strip()
        if _YES_NO.match(clause):
            return clause
    return ""


def named_words(question: str) -> list[str]:
    """Lowercased names of where or with what something is done: words written with a capital
    after in, on, at, with, via, from, through or using, and the capitalised words that follow
    them ("How do I reset my password in QuickBooks Online?" → quickbooks, online: another
    company's product, which no article paraphrases). A name that only qualifies a thing ("the
    closest Mastercard ATM") is not one: the articles may say it in general words."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(question.strip()):
        after = False
        for word in _WORD.findall(sentence):
            w = word.lower()
            if w in _PLACE_PREPOSITIONS:
                after = True
            elif after and word[0].isupper() and w != "i" and w not in _TIME and w not in _MONTHS:
                if w not in out:
                    out.append(w)
            elif w not in ("the", "a", "an"):
                after = False
    return out


_PLACE_PREPOSITIONS = frozenset("in on at with via from through using into".split())
_MONTHS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)


def word_forms(word: str) -> frozenset[str]:
    """The word and its irregular forms (sent → send, sent), for matching an article's text."""
    for group in _IRREGULAR:
        if word in group:
            return group
    return frozenset({word})
