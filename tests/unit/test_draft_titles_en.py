"""English draft titles name the action asked for (assist.drafts.titles_en)."""

from __future__ import annotations

from assist.drafts.keywords import DocFreq, noun_tokens
from assist.drafts.titles import _english_stop_words, topic_title
from assist.drafts.titles_en import action_title, problem_title, state_title
from tests.unit.test_drafts_lint import _BACKGROUND


def _title(texts: list[str]) -> str:
    return topic_title(texts, DocFreq(noun_tokens([*_BACKGROUND, *texts])))


def test_a_verb_and_its_object_title_an_english_topic() -> None:
    # banking77: "Link guide", and two topics titled "Account guide" (closing one, the age to open one)
    link = [
        "\nHow do I link one of your cards if I have one already?",
        "\nHow do I link a card that I already have?",
        "\nI would like to link my card. How do I do it?",
        "\nHow do I link a new card?",
        "\nCan I link another card to my account?",
    ]
    assert _title(link) == "Link card"
    close = [
        "\nThe service of this company sucks, I need to terminate my account.",
        "\nPlease delete my account.",
        "\nPlease close my account. I am unsatisfied with your service.",
        "\nThis company is terrible! Can you delete my account?",
        "\nI want to delete my account",
    ]
    assert _title(close) == "Delete account"
    opening = [
        "\nWhat is the age to open an account?",
        "\nHow young can someone be in order to open an account?",
        "\nCould I open an account for my children?",
        "\nHow old do we have to be?",
    ]
    assert _title(opening) == "Open account"


def test_the_object_is_written_as_the_tickets_write_it() -> None:
    texts = [
        "\nHow can I change my PIN?",
        "\nI want to change my PIN at an ATM",
        "\nwhere do i change my pin",
        "\nCan I change the PIN of my card?",
    ]
    assert _title(texts) == "Change PIN"


def test_no_action_title_from_helpers_chat_verbs_participles_or_a_rare_action() -> None:
    stop = _english_stop_words()
    # "would like to", "need to" are skipped to the verb; have/get/know are never the action
    assert action_title(["I would like to get a card", "I need to get a card"], ["card"], stop) is None
    # only a base form is the verb ("I tried verifying my ID")
    assert action_title(["I tried verifying my ID", "I tried verifying my ID"], ["ID"], stop) is None
    # a function word after "to" is no verb ("went to the ATM")
    assert action_title(["I went to the ATM", "we went to the ATM"], ["ATM"], stop) is None
    # one ticket of five is no topic's action
    texts = ["How do I top up?", "Can I link my card?", "top up failed", "top up pending", "top-up"]
    assert action_title(texts, ["card"], stop) is None
    # a best phrase of two words keeps its noun title
    freeze = ["I want to freeze my card", "please freeze my card"]
    assert action_title(freeze, ["virtual", "card"], stop) is None
    assert action_title(freeze, ["card"], stop) == "Freeze card"


def test_a_topic_whose_best_phrase_is_no_verb_nor_object_keeps_its_noun_title() -> None:
    texts = [
        "\nHow do I get a virtual card?",
        "\nCan I have a virtual card for online shopping?",
        "\nWhere can I order my virtual card?",
        "\nI need a virtual card, how can I get one?",
    ]
    assert _title(texts) == "Virtual card guide"


def test_an_imperative_counts_where_the_topic_also_asks_it_after_i_or_to() -> None:
    stop = _english_stop_words()
    # banking77's "Freeze guide": two imperatives, one after a comma, and "How do I freeze …"
    texts = [
        "How do I freeze my account?",
        "Freeze my account it's been hacked.",
        "Someone has my card number, freeze my account.",
        "Someone else is using my card, freeze it.",
        "someone is using my account",
        "Someone is using my account to do online shopping! Please freeze it asap",
        "There is a problem with my card.",
    ]
    assert action_title(texts, ["freeze"], stop) == "Freeze account"
    # a sentence's first word alone is no verb: "Card declined" asks no action
    assert action_title(["Card declined at the shop", "Card declined again"], ["card"], stop) is None


def test_a_noun_most_tickets_say_fails_titles_the_problem() -> None:
    texts = [
        "I think something went wrong with my card delivery as I haven't received it yet.",
        "My card does not work",
        "The card I have doesn't work.",
        "My card stopped working",
        "My actual card isn't working.",
        "I can't get my card to work.",
    ]
    assert problem_title(texts, ["card"]) == "Card not working"
    assert _title(["\n" + t for t in texts]) == "Card not working"
    # one ticket of four is no topic's problem; a noun the tickets never say fails has none
    assert problem_title([*texts[:1], "My card is blue", "card", "my card does not work"], ["card"]) is None
    assert problem_title(["Where is my card accepted?", "Which shops accept my card?"], ["card"]) is None


def test_a_state_or_a_two_word_noun_that_fails_titles_the_problem() -> None:
    # banking77's failed transfers: "go through", "seem to work" and "failed" are one problem, worded
    # as most tickets word it
    texts = [
        "I have completed a transfer but it is not showing up.",
        "I had a transfer blocked",
        "My attempted transfer failed.",
        "My transfer will not go through.",
        "My transfer didn't go through.",
        "My transfer did not seem to work.",
        "My transfer didn't work",
    ]
    assert problem_title(texts, ["transfer"]) == "Transfer not going through"
    pending = [
        "Cash withdrawal still pending?",
        "How long with my cash withdrawal stay pending for?",
        "Why is there a fee on my cash withdrawal?",
        "My cash withdrawals are still pending",
    ]
    assert problem_title(pending, ["cash", "withdrawal"]) == "Cash withdrawal pending"
    before = ["My transfer is pending.", "I have a pending transfer", "How long do transfers take?"]
    assert problem_title(before, ["transfer"]) == "Transfer pending"
    # a state said of something else, or denied, is no problem of the noun
    noisy = ["The transfer from my pending account", "A transfer to a pending payee", "transfer not pending"]
    assert problem_title(noisy, ["transfer"]) is None
    assert problem_title(["My card is pending", "my transfer is pending"], ["card", "payment"]) is None


def test_a_problem_word_alone_is_titled_with_what_it_is_said_of() -> None:
    stop = _english_stop_words()
    # banking77's "Declined issues": what is declined, across was / has been / getting, or after it
    texts = [
        "I have a card payment that was declined, but why?",
        "I was trying to purchase something at the store today and my card has been declined.",
        "Why is my debit card being declined when I have money?",
        "I tried using my card and it kept getting declined, Why?",
        "My transfers are being declined.",
        "I really need money from my card today, but my card is getting declined.",
    ]
    assert state_title(texts, ["declined"], stop) == "Card declined"
    assert _title(["\n" + t for t in texts]) == "Card declined"
    # the thing as the tickets write it, an acronym in capitals when a third of them do
    pins = [
        "My PIN is blocked, what do I do?",
        "How do I deal with a blocked PIN?",
        "my pin is blocked",
        "pin",
    ]
    assert state_title(pins, ["blocked"], stop) == "PIN blocked"
    # the active verb's object counts too: banking77's "Stolen issues"
    stolen = ["Help! Someone stole my card!", "My card was stolen!", "someone stole my money", "Bags stolen"]
    assert state_title(stolen, ["stolen"], stop) == "Card stolen"
    # "failed" is also said with a failing verb; a verb and its particle are one thing
    top_up = [
        "Is there a reason my top up hasn't gone through",
        "I think my top up did not work",
        "My top-up isn't working.",
        "Why did the app deny my top up?",
    ]
    assert state_title(top_up, ["failed"], stop) == "Top up failed"
    # a preposition after the state is no particle of it ("declined in a shop" names no "declined in")
    shops = [
        "My card was declined in a shop",
        "card declined in store",
        "declined in the app",
        "declined in shop",
    ]
    assert state_title(shops, ["declined"], stop) == "Card declined"
    # said of different things, of nothing, or not a problem word: no such title
    assert state_title(["My card was declined", "my transfer was declined"], ["declined"], stop) is None
    assert state_title(["I was declined", "It got declined"], ["declined"], stop) is None
    assert state_title(["My card was declined", "my card was declined"], ["card"], stop) is None
