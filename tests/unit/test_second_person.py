"""English rules written about "the customer" / "the agent" told to the customer (korean.second_person),
and the role analysis keeping that rewrite only for a rule, never for an instruction or a case."""

from __future__ import annotations

import pytest

from korean.roles import classify
from korean.second_person import second_person, situation_told, they_told


@pytest.mark.parametrize(
    ("sentence", "told"),
    [
        (
            "Preparing for shipment: the customer cannot change it in the app.",
            "Preparing for shipment: you cannot change it in the app.",
        ),
        (
            "The agent can request the change until the order leaves the warehouse (cut-off 2 p.m.).",
            "We can request the change until the order leaves the warehouse (cut-off 2 p.m.).",
        ),
        (
            "Refunds stay on hold until the customer adds an account under My Page > Refund account.",
            "Refunds stay on hold until you add an account under My Page > Refund account.",
        ),
        (
            "Any foreign transaction fee is set by the card issuer and paid by the customer.",
            "Any foreign transaction fee is set by the card issuer and paid by you.",
        ),
        (
            "If the customer closes or skips the issuer's window, the payment fails.",
            "If you close or skip the issuer's window, the payment fails.",
        ),
        # -sses loses -es, not -s ("misse" before the shared -s rule handled it)
        (
            "If the customer cancels and misses the deadline, the fee applies.",
            "If you cancel and miss the deadline, the fee applies.",
        ),
        ("The customer is charged in KRW.", "You are charged in KRW."),
        (
            "In transit: we cannot change it. The customer must ask the courier.",
            "In transit: we cannot change it. You must ask the courier.",
        ),
    ],
)
def test_a_rule_about_the_customer_is_told_to_the_customer(sentence: str, told: str) -> None:
    assert second_person(sentence) == told
    label = classify(sentence)
    assert (label.role, label.rewrite) == ("agent_note", told)


@pytest.mark.parametrize(
    "sentence",
    [
        "Ask the customer to contact the issuer and allow online payments.",  # an instruction
        "If the status is paid, guide the customer to change it in the app.",  # the customer as object
        "The customer said the parcel never arrived.",  # one case, past
        "The customer paid twice and asked for a refund.",
        "Give the time for the customer's payment method.",  # a possessive
        "Share the Payment CX team's answer with the customer.",
        "Use this article when an English-speaking customer wants to change the address.",
        # agent guidelines describing one flow's customer (ABCD): statements about them, not rules
        "The customer is adding an extra item to their existing refund.",
        "The customer believes the delivery time is wrong and wants to move from morning to evening.",
        "The customer will give the reason the competitor has a better price.",
        "If the customer does not want a refund and instead wants to delay delivery, use Downgrade.",
    ],
)
def test_instructions_cases_and_objects_get_no_rewrite(sentence: str) -> None:
    label = classify(sentence)
    assert label.role != "general"
    assert label.rewrite is None


@pytest.mark.parametrize(
    ("sentence", "told"),
    [
        # agent guidelines write the customer as "they" (ABCD); a rule of what they must do is
        # theirs to be told
        (
            "To change the phone number, they must be able to provide their current number.",
            "To change the phone number, you must be able to provide your current number.",
        ),
        (
            "If they are trying to change address on the account, they must be able to provide their "
            "current address.",
            "If you are trying to change address on the account, you must be able to provide your "
            "current address.",
        ),
        (
            "If the item is 'Delivered' then they must wait until the item arrives and call back to "
            "customer support to start the return process.",
            "If the item is 'Delivered' then you must wait until the item arrives and call back to "
            "customer support to start the return process.",
        ),
    ],
)
def test_a_rule_about_them_is_told_to_the_customer(sentence: str, told: str) -> None:
    assert they_told(sentence) == told
    label = classify(sentence)
    assert (label.role, label.rewrite) == ("agent_note", told)


@pytest.mark.parametrize(
    "sentence",
    [
        "They have already returned their item but have not received their credit.",  # their case
        "Thus, they will always get their extra fees removed.",
        "Namely, they want to know if the account allows them free shipping.",
        "Provide a link to their account so they can look this up themselves.",  # said to the agent
        "If they do not, tell them you will use the credit card on the account",
        "If they are a Guest customer, then they must wait until the item arrives.",
    ],
)
def test_what_they_did_or_want_gets_no_rewrite(sentence: str) -> None:
    label = classify(sentence)
    assert label.role == "agent_note"
    assert label.rewrite is None


def test_they_is_someone_else_where_you_is_the_reader() -> None:
    # "you" already names the reader: "they" are other people ("… a discussion they are in")
    assert they_told("If you post in a discussion that they are involved in, they can see it.") is None


@pytest.mark.parametrize(
    ("sentence", "told"),
    [
        (
            "Member wants to join a fourth waitlist: the limit is 3; they must leave one of their "
            "current waitlists first.",
            "If you want to join a fourth waitlist: the limit is 3; you must leave one of your "
            "current waitlists first.",
        ),
        (
            "Member lost a phone that held downloads: Remove the lost phone under Account > Devices.",
            "If you lost a phone that held downloads: Remove the lost phone under Account > Devices.",
        ),
        (
            "Member misses a class: the session is deducted from the pack.",
            "If you miss a class: the session is deducted from the pack.",
        ),
        (
            "Member no longer uses the phone number on the account: Use the email reset instead.",
            "If you no longer use the phone number on the account: Use the email reset instead.",
        ),
    ],
)
def test_a_guides_situation_is_told_to_the_member(sentence: str, told: str) -> None:
    """A fresh gym KB had sent "Member wants …: …; they must …" as written."""
    assert situation_told(sentence) == told
    label = classify(sentence)
    assert label.role == "general" and label.rewrite == told


@pytest.mark.parametrize(
    "sentence",
    [
        "Member is frozen and wants to cancel: the freeze ends on the day the request is received.",
        "Member on Basic wants an extra member: extra members are available on Standard and Premium.",
        "Member says his card was stolen: block the card at once.",
        "Waitlist already has 10 people: the member cannot join it.",
    ],
)
def test_a_situation_that_cannot_be_said_to_them_is_left(sentence: str) -> None:
    assert situation_told(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Member asks for the joining fee back: the joining fee is not refundable; mention the rejoin rule.",
        "Waitlist already has 10 people: the member cannot join it; suggest another time of the same class.",
        "Suggest splitting the order into smaller orders.",
    ],
)
def test_what_the_agent_is_to_say_or_suggest_is_a_note(sentence: str) -> None:
    assert classify(sentence).role == "agent_note"
