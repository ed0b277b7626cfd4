"""Sentence roles of English sentences (:mod:`korean.roles` reads Korean with Kiwi morphology):
phrase rules for what was done or promised for one case, notes and instructions to the agent, and a
rule written about "the customer" told in the second person (:mod:`korean.second_person`)."""

from __future__ import annotations

import re

from korean.role_label import RoleLabel
from korean.second_person import second_person, situation_told, they_told

__all__ = ["DONE_FOR_CASE", "classify_en"]

# the reason of an English sentence that reports what was done or promised for one customer
# (assist.script_case.reports_a_check reads it: what a script answer says after it is that case's)
DONE_FOR_CASE = "en: done or promised for this case"

_EN_CASE = re.compile(
    r"\b(?:I|we)(?:'ve| have| had|'d)?\s+(?:just\s+|already\s+)?(?:checked|confirmed|processed|refunded|"
    r"cancell?ed|issued|sent|updated|escalated|reviewed|looked|found|credited|changed|reset|resent|"
    r"noticed|verified|applied|added|removed|reversed|waived|returned|restored|reinstated|unlocked|received|"
    r"unblocked|lifted|extended|rebooked|rescheduled|arranged|booked|approved|activated|released|"
    r"replaced|fixed|marked|raised|submitted|transferred|paused|moved|set up)\b|"
    # an agent's own act in the first person singular, whatever the verb ("I've reversed the
    # no-show", "I have waived the $15 fee"): one case, never a rule
    r"\bI(?:'ve| have)\s+(?:just\s+|already\s+|now\s+)?(?:\w+ed|sent|made|given|taken|put|set|done|"
    r"paid|kept|left|told|written|spoken)\b|"
    r"\bI can see\b|\bI see that\b|\blooks like your\b|^\s*it (?:looks|seems)(?: like| that| as if)?\b|"
    r"\b(?:I|we)(?:'ll| will| am going to| are going to)\b|\byour order (?:#|number|no\.?|\d)|"
    r"\b(?:has|have) been (?:refunded|cancell?ed|shipped|processed|credited|issued|sent)\b|"
    r"\byesterday\b|\blast (?:week|month)\b|\bthis order\b|"
    # "Your order is …" as a condition ("If your package is marked delivered but …") is a rule
    r"(?<!\bif )(?<!\bwhen )(?<!\bonce )(?<!\bunless )(?<!\buntil )"
    r"\byour (?:order|return|refund|payment|account|package|item|parcel) (?:is|was|has|had)\b|"
    r"^\s*according to (?:our|the|my) (?:records|system|logs)\b|"
    # what this customer's thing did: "Your subscription renewed on May 4", "Your order left …"
    r"\byour (?:(?:last|latest|first|new|recent|previous) )?(?:order|return|refund|payment|account|package|"
    r"item|parcel|subscription|plan|booking|reservation|membership|claim|application|request|replacement|"
    r"device|card|ticket|workspace|trial) "
    r"(?:\w+ed|left|went|came|got|sent|shipped|arrived|began|ran out)\b(?! (?:by|to|with|within|before)\b)|"
    r"\bthis (?:morning|afternoon|evening)\b|\bearlier today\b|"
    # where this customer's thing is now, or what it did not do: "Your replacement is on its way",
    # "Your package is currently held at customs", "Your promo code did not apply because …"
    r"\byour (?:[\w-]+ ){0,2}(?:is|are) (?:on its way|currently|still|already|out for|held|"
    r"awaiting|pending|scheduled)\b|"
    r"\byour (?:[\w-]+ ){0,2}(?:did not|didn't|was not|wasn't|has not|hasn't|could not|couldn't)\b|"
    r"\b(?:visited|came|arrived|called|delivered|replaced|installed|repaired|inspected|collected)\b"
    r"[\w ]{0,30}\b(?:on|last) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    # what their record shows: "Your booking shows two adults …", "The balance left on your gift card"
    r"\byour (?:\w+ ){0,2}(?:shows|says|lists|reads)\b|"
    r"\b(?:balance|credit) (?:left |remaining )?on your\b|"
    r"\b(?:was|were|had been)\s+(?:\w+ed|made|sent|shown|paid|taken|given)\b|\bshowed\b|\bhas already\b|"
    # one person's own experience (a customer's or a forum answer's), not a rule
    r"\bwhen I (?:tried|did|went|called|clicked|opened|used|checked)\b|\bI (?:tried|think I|thought)\b|"
    r"\b(?:working|worked|works) for me\b",
    re.IGNORECASE,
)
_EN_AGENT = re.compile(
    r"^\s*(?:waiting (?:on|for)|pending|internal\s*:)|\bthe customer\b|\bmacros?\b|"
    r"^\s*(?:confirmed|verified) (?:identity|id|the caller|caller)\b|"
    # a log line: what the agent did, without a subject ("Called the hotel to confirm …"), or who
    # approved it ("Refund approved by supervisor, …")
    r"^\s*(?:called|phoned|emailed|messaged|texted|spoke (?:to|with)|contacted|rang|chased|resent|reissued|"
    r"escalated|refunded|credited)\b(?! (?:items?|orders?|payments?|amounts?)\b)|"
    r"\bwithout (?:a |the )?(?:supervisor|manager|team lead)\b|"
    r"\bapproved by (?:the )?(?:supervisor|manager|team lead|finance)\b|"
    r"\bfollow up (?:in|on|with|tomorrow)\b|"
    r"\bcustomers?'s?\b(?= (?:said|says|was|is|asked|wanted|wants|reported|called|"
    r"claims|needs))|"
    r"\b(?:told|informed|advised|explained to|reminded) (?:the )?(?:customer|cx|them|him|her)\b|"
    r"\bescalat(?:e|ed) to\b|\bticket\b|\bagent\b|\bin the (?:admin|back ?office|crm)\b|^\s*(?:note|fyi)\s*:|"
    # the support tool's own menus: "add the coupon manually under Admin > Coupons"
    r"\b(?:admin|back ?office|crm|helpdesk|zendesk)\s*>|"
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
    r"(?:^|;)\s*(?:(?:also|then|next|finally|first|afterwards|now)\s*,?\s+|if\b[^,.]{1,80},\s*)?"
    r"(?:ask|tell|inform|advise|escalate|transfer|offer|explain|mention|suggest|record|log|note|enter|search|"
    r"look up|pull up|apologi[sz]e|verify|confirm|check|make sure|let the|direct|instruct|remind|"
    r"update the|gather|collect|get the|validate|notify|find out|type in|make up|shuffle|skip the|"
    r"get (?:full name|account id|the customer)|pick these)\b",
    re.IGNORECASE,
)
# the customer in the third person, as agent guidelines write them: their account, order or
# details ("… provide their current address"), what they want or are trying to do, a bare
# "Customer …" opening a case description ("Customer cannot pay for their premium subscription").
# Not where the sentence names whose they are ("users … their account", "each recipient … if
# they wish"): customer-facing text speaks of other people that way.
_EN_THEY = re.compile(
    r"\btheir (?:\w+ ){0,2}(?:account|order|item|items|credit|username|password|address|full name|number|"
    r"phone|email|membership|subscription|card|refund|shipping|fees?|bill|purchase)\b|"
    r"\bthey (?:want|wants|would like|wish|are trying|were trying|are just|are a|have already|"
    r"must be able|must wait|have nothing|already paid)\b|\bif they are (?:a|an|just)\b|"
    r"\b(?:allows?|let|tell|help|share \w+ with) them\b",
    re.IGNORECASE,
)
_EN_BARE_CUSTOMER = re.compile(r"^\s*Customer(?:'s)?\s|\b(?:related to|about) this user\b")
_EN_OTHERS = re.compile(
    r"\b(?:users?|people|recipients?|friends?|contacts?|members?|owners?|admins?|others|everyone|someone|"
    r"anyone|sellers?|merchants?|compan(?:y|ies)|banks?|couriers?|developers?)\b",
    re.IGNORECASE,
)
# the support tool and the conversation as the agent's "flow" (ABCD-style guidelines), writing
# "in natural language", the tool's panel
_EN_TOOL = re.compile(
    r"\b(?:right|this|other|next|same) (?:sub-?)?flows?\b|\bflow diagram\b|"
    r"\bin (?:your own words|natural language)\b|\b(?:right|left)[- ]hand panel\b|\bbest judge?ment\b|"
    # how to write the reply, what was collected earlier in the chat, how customers phrase it
    r"\b(?:do not|don't|should not|never) copy ?/ ?paste\b|"
    r"\b(?:may|might) have (?:gotten|got|asked|collected) (?:this|it|that) (?:earlier|already|before)\b|"
    r"\b(?:also )?phrased as\b|"
    # a team chat channel ("post it in #billing-ops"): no customer reads it
    r"(?<![\w/&#])#[a-z][a-z0-9_]*-[a-z0-9_-]+|\bslack\b",
    re.IGNORECASE,
)
# what the agent gives or does for the customer, said to the agent ("the best you can do is to give
# them part of the fee back", "you will ship the new item to them", "you cannot help them")
_EN_YOU_THEM = re.compile(
    r"\bgive them (?:part|a|an|the|some|back)\b|\bhelp them\b|"
    r"\b(?:ship|send|mail|refund|credit|offer)\b[\w ]{0,30} to them\b",
    re.IGNORECASE,
)
# a question is not an answer ("How long does membership last?"; a rhetorical "Why …?" in a
# forum answer is left), nor is a list of topics without a sentence ("Price of gift wrapping,
# Price of overnight shipping, …": four or more short items, no end mark)
_EN_QUESTION = re.compile(r"^\s*(?:what|when|where|which|who|how)\b.*\?[\s,]*$", re.IGNORECASE | re.DOTALL)
_EN_UNENDED = re.compile(r"^[^.!?:;]*[^.!?:;)\s]\s*$")
_EN_YOU = re.compile(r"\byou(?:r|rs)?\b", re.IGNORECASE)
_EN_CONDITION = re.compile(r"\s*(?:if|when|once|as soon as|whenever)\b[^,]{1,120},", re.IGNORECASE)
_EN_WILL = re.compile(r"\b(?:I|we)(?:'ll| will)\b", re.IGNORECASE)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
# the customer as "them" in what the agent is told to do ("Also instruct them to close …"); with
# "you" in the sentence "them" is someone the customer deals with ("ask them [your bank] to …")
_EN_AGENT_THEM = re.compile(r"\b(?:instruct|let|tell|remind|advise|inform|show|walk|guide|ask) them\b", re.I)
# ... except where the sentence opens with it: "Tell them that you will send the reset code …"
_EN_THEM_FIRST = re.compile(
    r"^\s*(?:(?:also|then|next|finally|first)\s*,?\s+)?(?:instruct|let|tell|remind|advise|inform|ask) them\b",
    re.IGNORECASE,
)


def classify_en(text: str) -> RoleLabel:
    text = text.replace("\u2019", "'")
    if _EN_QUESTION.search(text):
        return RoleLabel("agent_note", "en: a question, not an answer")
    # "To proceed:", "See this screenshot:", "To decide whether or not this is a valid error:"
    if text.rstrip().endswith(":") and (len(text.split()) <= 6 or re.match(r"\s*to \w+\b", text, re.I)):
        return RoleLabel("agent_note", "en: a lead-in, not an answer")
    if _topic_list(text):
        return RoleLabel("agent_note", "en: a list of topics, not a sentence")
    if _EN_AGENT.search(text):
        # a rule about "the customer" / "the agent" may be told to the customer (second_person),
        # never an instruction to the agent ("Ask the customer to …")
        instruction = _EN_AGENT_IMPERATIVE.search(text) or _EN_AGENT_THEM.search(text)
        told = None if instruction else second_person(text)
        return RoleLabel("agent_note", "en: third person / internal", _general(told))
    # "you" inside quotes is what the agent is to say ("Check that … (i.e. 'Can you see …?')")
    to_customer = _EN_YOU.search(_QUOTED.sub(" ", text))
    if _EN_THEM_FIRST.search(text) or (
        (_EN_AGENT_IMPERATIVE.search(text) or _EN_AGENT_THEM.search(text)) and not to_customer
    ):
        return RoleLabel("agent_note", "en: instruction to the agent")
    if _EN_THEY.search(text) and not _EN_OTHERS.search(text):
        return RoleLabel("agent_note", "en: the customer as they", _general(they_told(text)))
    gives_them = to_customer and _EN_YOU_THEM.search(text)
    if _EN_BARE_CUSTOMER.search(text) or _EN_TOOL.search(text) or gives_them:
        return RoleLabel("agent_note", "en: the customer in the third person / the support tool")
    if _EN_CASE.search(text) and not _promised_on_condition(text):
        return RoleLabel("case_report", DONE_FOR_CASE)
    # a guide's "Member wants …: …" is told to that member ("If you want …: …")
    return RoleLabel("general", "en: no case or note cue", _general(situation_told(text)))


def _promised_on_condition(text: str) -> bool:
    """ "If the item arrives damaged, send us a photo … and we will replace it.": what we will do
    is promised to whoever meets the condition, a rule; the sentence's only case cue is that."""
    head = _EN_CONDITION.match(text)
    return head is not None and not _EN_CASE.search(_EN_WILL.sub(" ", text))


def _general(told: str | None) -> str | None:
    """A rewrite told to the customer, kept only when it is itself a general sentence."""
    return told if told is not None and classify_en(told).role == "general" else None


def _topic_list(text: str) -> bool:
    items = text.split(",")
    return bool(_EN_UNENDED.search(text)) and len(items) >= 4 and all(len(i.split()) <= 8 for i in items)
