"""Sentence roles of English sentences (:mod:`korean.roles` reads Korean with Kiwi morphology):
phrase rules for what was done or promised for one case, notes and instructions to the agent, and a
rule written about "the customer" told in the second person (:mod:`korean.second_person`)."""

from __future__ import annotations

import re

from korean.role_label import RoleLabel
from korean.second_person import second_person

__all__ = ["classify_en"]

_EN_CASE = re.compile(
    r"\b(?:I|we)(?:'ve| have| had|'d)?\s+(?:just\s+|already\s+)?(?:checked|confirmed|processed|refunded|"
    r"cancell?ed|issued|sent|updated|escalated|reviewed|looked|found|credited|changed|reset|resent|"
    r"noticed|verified|applied|added|removed)\b|\bI can see\b|\bI see that\b|\blooks like your\b|"
    r"\b(?:I|we)(?:'ll| will| am going to| are going to)\b|\byour order (?:#|number|no\.?|\d)|"
    r"\b(?:has|have) been (?:refunded|cancell?ed|shipped|processed|credited|issued|sent)\b|"
    r"\byesterday\b|\blast (?:week|month)\b|\bthis order\b|"
    r"\byour (?:order|return|refund|payment|account|package|item|parcel) (?:is|was|has|had)\b|"
    r"\b(?:was|were|had been)\s+(?:\w+ed|made|sent|shown|paid|taken|given)\b|\bshowed\b|\bhas already\b|"
    # one person's own experience (a customer's or a forum answer's), not a rule
    r"\bwhen I (?:tried|did|went|called|clicked|opened|used|checked)\b|\bI (?:tried|think I|thought)\b|"
    r"\b(?:working|worked|works) for me\b",
    re.IGNORECASE,
)
_EN_AGENT = re.compile(
    r"\bthe customer\b|\bcustomers?'s?\b(?= (?:said|says|was|is|asked|wanted|wants|reported|called|"
    r"claims|needs))|"
    r"\b(?:told|informed|advised|explained to|reminded) (?:the )?(?:customer|cx|them|him|her)\b|"
    r"\bescalat(?:e|ed) to\b|\bticket\b|\bagent\b|\bin the (?:admin|back ?office|crm)\b|^\s*(?:note|fyi)\s*:|"
    r"^\s*(?:explained|suggested|advised|informed|told|offered|noted|asked|start by|explain that)\b|"
    r"\bI (?:explained|suggested|advised|told|informed|offered|noted|asked)\b|\bask the [\w ]{0,30}team\b|"
    # agent guidelines: the support tool's actions and forms, the chat as "the conversation"
    r"\[[A-Z][\w&'-]*(?: [\w/&'-]+){1,5}\]|\bsub-?flow\b|\binput box\b|"
    r"\b(?:fill in|nothing to enter in) the form\b|"
    r"\bas your action\b|\b(?:end|wrap up|close) the (?:conversation|chat|call)\b|\bwrap up\b|"
    r"\bmark the conversation\b|\b(?:move|skip) (?:on )?to the (?:next|following) steps?\b|"
    r"\bcustomers? (?:want|wants|usually|often|may (?:ask|call|want)|who (?:call|contact|ask))\b|"
    r"\bif (?:they|the user) (?:want|wants|need|needs|get|gets|ask|asks|say|says|chose|choose)\b|"
    # "Change the address … and explain the courier redirect …": the agent's two-part action
    r"\b(?:and|then) (?:explain|inform|advise)\b",
    re.IGNORECASE,
)
_EN_AGENT_IMPERATIVE = re.compile(
    # an instruction, also after "Also"/"Then"/… or a condition ("If it is in transit, explain …")
    r"^\s*(?:(?:also|then|next|finally|first|afterwards|now)\s*,?\s+|if\b[^,.]{1,80},\s*)?"
    r"(?:ask|tell|inform|advise|escalate|transfer|offer|explain|record|log|note|enter|search|"
    r"look up|pull up|apologi[sz]e|verify|confirm|check|make sure|let the|direct|instruct|remind|"
    r"update the|gather|collect|get the|validate|notify|find out|type in|make up|shuffle|skip the|"
    r"get (?:full name|account id|the customer)|pick these)\b",
    re.IGNORECASE,
)
_EN_YOU = re.compile(r"\byou(?:r|rs)?\b", re.IGNORECASE)
# the customer as "them" in what the agent is told to do ("Also instruct them to close …"); with
# "you" in the sentence "them" is someone the customer deals with ("ask them [your bank] to …")
_EN_AGENT_THEM = re.compile(r"\b(?:instruct|let|tell|remind|advise|inform|show|walk|guide|ask) them\b", re.I)


def classify_en(text: str) -> RoleLabel:
    if _EN_AGENT.search(text):
        # a rule about "the customer" / "the agent" may be told to the customer (second_person),
        # never an instruction to the agent ("Ask the customer to …")
        instruction = _EN_AGENT_IMPERATIVE.search(text) or _EN_AGENT_THEM.search(text)
        told = None if instruction else second_person(text)
        if told is not None and classify_en(told).role != "general":
            told = None
        return RoleLabel("agent_note", "en: third person / internal", told)
    if (_EN_AGENT_IMPERATIVE.search(text) or _EN_AGENT_THEM.search(text)) and not _EN_YOU.search(text):
        return RoleLabel("agent_note", "en: instruction to the agent")
    if _EN_CASE.search(text):
        return RoleLabel("case_report", "en: done or promised for this case")
    return RoleLabel("general", "en: no case or note cue")
