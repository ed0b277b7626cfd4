"""Follow-ups that say the last answer did not help ("시키신 대로 다 해 봤는데 그래도 똑같아요").

After the assistant has answered, a customer who reports that they did what it said and the problem
is still there needs the next step, and in a KMS article the next step (escalation, a ticket to
another team) is written for the agent, not for the customer. A chatbot that answers such a turn
can only repeat a neighbouring rule with confidence; :func:`reports_no_fix` lets it hand off.
Both a "tried" cue and a "still failing" cue must be present ("그래도 환불돼요?" alone asks a new
question).
"""

from __future__ import annotations

import re

__all__ = ["reports_no_fix"]

_TRIED = re.compile(
    r"해\s*봤|해\s*보았|해\s*봐도|했는데|했어도|따라\s*했|시키신\s*대로|말씀하신\s*대로|알려\s*주신\s*대로|"
    r"하라는\s*대로|안내(?:해\s*주신|받은)\s*대로|"
    r"\btried\b|\bI (?:did|followed) (?:that|it|this|everything|what you|the steps|your)",
    re.IGNORECASE,
)
_STILL = re.compile(
    r"그래도|여전히|똑같|계속|안\s*되|안돼|안\s*돼|소용\s*(?:없|이\s*없)|효과가?\s*없|마찬가지|그대로|"
    r"\bstill\b|\bsame\b|n['’]t (?:work|help|fix)|not (?:working|helping)",
    re.IGNORECASE,
)


def reports_no_fix(text: str) -> bool:
    """Whether ``text`` says the customer did what they were told and it did not help."""
    return bool(_TRIED.search(text) and _STILL.search(text))
