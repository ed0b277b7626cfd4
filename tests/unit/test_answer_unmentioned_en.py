"""English questions about a thing no article mentions are handed off (assist.unmentioned,
korean.things_en): the words of yes/no and what/how sentences, and the customer's own thing a
how-question acts on ("How do I cancel my subscription?" had been answered from a bills article)."""

from __future__ import annotations

import pytest

from assist.answer import answer_question
from assist.evidence import gather
from assist.knowledge import KnowledgeBase
from assist.unmentioned import unmentioned
from korean.things_en import asked_how_objects, asked_how_words, asked_if_words
from tests.tinykb import article_kb


@pytest.mark.parametrize(
    ("question", "words"),
    # not the main verb after the auxiliary and its subject (send/sent, pay/paid)
    [
        (
            "Can I pick up my order at a convenience store near my hotel?",
            ["pick", "convenience", "store"],
        ),
        (
            "Do I have to pay customs duties on items shipped from overseas sellers?",
            ["pay", "customs", "duties", "items", "shipped", "overseas", "sellers"],
        ),
        # an if-clause only sets the scene; people and time are not things
        ("If the item arrived broken, will you refund the shipping fee?", ["refund", "shipping", "fee"]),
        ("Can my cousin use my account this weekend?", []),
        # the customer's own (my workplace, my hotel) is the case, not a thing of the service
        ("The courier picked it up. Is there any way to have it sent to my workplace?", ["sent"]),
        ("Instead of cancelling, can I pause my membership?", ["pause"]),
        # sentence adverbs (anyway, maybe, actually) say how it is asked, not about what
        ("I forgot my phone and my fob is at home. Can the staff let me in anyway?", ["staff"]),
        ("Can I maybe pause my plan at the moment?", ["pause"]),
        # number words say how many, adjectives that rate a way (a proper way) name no thing
        ("Do I save anything by paying for twelve months in one go?", ["save", "paying"]),
        ("He watches on our account. Is there a proper way for him to keep doing that?", []),
        # chat English: contractions without their apostrophe are function words too
        ("was in hospital so couldnt make my pt, can u drop the fee pls", ["hospital", "drop", "fee"]),
        # chat fillers and words for people (lol, guy, u guys) name no thing either
        ("can i just delete an invoice i sent to the wrong guy lol", ["delete", "invoice", "sent", "wrong"]),
        ("do i get anything for transfering my rx to u guys", ["transfering"]),
        # it asks what/which/how, or nothing
        ("Which overseas card brands can I use?", []),
        ("How long does a refund take?", []),
        ("My bank never sent me the one-time code.", []),
    ],
)
def test_the_words_an_english_yes_no_question_asks_about(question: str, words: list[str]) -> None:
    assert asked_if_words(question) == words


ARTICLE_EN = """# Bills and payments

## Summary
How bills are sent and paid.

## Policy
- Bills are sent on the 12th of each month by e-mail; on request they can be sent by post instead.
- Payment is due on the 25th and can be made by card or bank transfer in the app.

## Document management and updates
Last updated: 2026-10-01
Owner: Billing team
"""


@pytest.fixture(scope="module")
def kb_en(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(article_kb(tmp_path_factory.mktemp("unmentioned-en"), "bills.md", ARTICLE_EN))


def test_an_english_yes_no_question_about_an_unmentioned_thing_is_handed_off(kb_en: KnowledgeBase) -> None:
    answer = answer_question(kb_en, "Can I pay my bill at a convenience store?", threshold=0.0, log=False)
    assert answer.abstained and answer.confidence == 0.0, answer
    # what the article says is answered, whatever the inflection (bills/bill, sent/send)
    answer = answer_question(kb_en, "Can you send my bills by post?", threshold=0.0, log=False)
    assert not answer.abstained and answer.citations, answer


@pytest.mark.parametrize(
    ("question", "words"),
    [
        # the story before the question is the case; what is asked comes after the question word
        ("I got a 30-day suspension for letting a friend in on my card. How do I appeal it?", ["appeal"]),
        ("How much is a guest pass?", ["guest", "pass"]),
        ("how 2 cancel my memebership", ["cancel"]),
        # the kind of information asked for, the customer's own things, function words
        ("What is the status of my refund?", []),
        ("How long does it take and what does it cost?", []),
        ("how do i get in without my card", []),
        # fixing it is what "how" asks for ("sort it out"), not what it is about
        ("The app won't let me save episodes because of some device limit. How do I sort it out?", []),
        # no question: a statement that holds a question word
        ("I know how it works.", []),
    ],
)
def test_the_words_an_english_what_or_how_question_asks_about(question: str, words: list[str]) -> None:
    assert asked_how_words(question) == words


def test_an_english_how_question_about_an_unmentioned_thing_is_handed_off(kb_en: KnowledgeBase) -> None:
    question = "I was charged a late fee. How do I appeal it?"
    answer = answer_question(kb_en, question, threshold=0.0, log=False)
    assert answer.abstained and answer.confidence == 0.0, answer
    # one unknown word among what is asked is more often a paraphrase: confidence decides ...
    assert _unmentioned(kb_en, question) == ["appeal"]
    assert _unmentioned(kb_en, "How do I pay a disputed bill?") == []
    # ... but not the action asked about (korean.things_en.asked_how_action, since 2026-12-05)
    assert _unmentioned(kb_en, "How do I appeal a bill?") == ["appeal"]


def _unmentioned(kb: KnowledgeBase, question: str) -> list[str]:
    evidence = gather(kb, question, k=5)
    docs = sorted(evidence.articles + evidence.docs, key=lambda d: -d.score)
    return unmentioned(evidence, question, kb.index, docs, asks_if=False)
    answer = answer_question(kb_en, "When are bills sent?", threshold=0.0, log=False)
    assert not answer.abstained and answer.citations, answer


@pytest.mark.parametrize(
    ("question", "objects"),
    [
        # the customer's own thing an asked action is done to is what is asked about
        ("How do I cancel my subscription?", ["subscription"]),
        (
            "How long do you keep my personal data after I cancel my membership?",
            ["personal", "data", "membership"],
        ),
        ("How do I change my delivery address?", ["delivery", "address"]),
        ("How do I cancel my friend's membership?", ["membership"]),  # whose it is, not what
        # "my …" after a preposition is the case's circumstance; no question, no object
        ("What is the status of my refund?", []),
        ("how do i get in without my card", []),
        ("I cancelled my order.", []),
        # after an auxiliary, "my …" is what the sentence is about
        ("Why is my debit card being declined when I have money?", []),
        ("Why didn't my topup go through?", []),
    ],
)
def test_the_things_an_english_how_question_acts_on(question: str, objects: list[str]) -> None:
    assert asked_how_objects(question) == objects


def test_an_english_how_question_about_an_unmentioned_own_thing_is_handed_off(kb_en: KnowledgeBase) -> None:
    # "subscription" was the customer's own, so never checked: answered from the bills article
    answer = answer_question(kb_en, "How do I cancel my subscription?", threshold=0.0, log=False)
    assert answer.abstained and answer.confidence == 0.0, answer
    assert "subscription" in (answer.handoff_reason or "")  # the word as written, not its stem
    # an own thing the article names is answered
    answer = answer_question(kb_en, "How do I pay my bill?", threshold=0.0, log=False)
    assert not answer.abstained and answer.citations, answer
