"""PII masking for Korean support text: find personal data, replace it with typed placeholders.

``mask_pii(text)`` masks every kind (tickets, feedback, drafts, anything a customer wrote);
``mask_pii(text, mode="article")`` masks only what is personal in a company-authored article and
keeps the company's own numbers. ``allow=`` keeps more (the ``KMS_PII_ALLOW`` setting).

- :mod:`korean.pii.numbers` — e-mail, 주민/외국인등록번호, 여권, 운전면허, card, 사업자, phone,
  account, and the company numbers that always stay (1588-..., 080-...).
- :mod:`korean.pii.identity` — @handles, names in address forms, order/customer references.
- :mod:`korean.pii.places` — street addresses, car plates, names customers give themselves,
  account holders, login ids.
- :mod:`korean.pii.mask` — choosing among overlaps, modes, allow-list, particles after placeholders.
- :mod:`korean.pii.spans` — kinds, placeholders and the width-normalised shadow text.
"""

from korean.pii.mask import MaskMode, PiiMatch, compile_allow, find_pii, fix_particle, mask_pii
from korean.pii.numbers import luhn_ok
from korean.pii.spans import PII_PLACEHOLDERS, PLACEHOLDER_BY_KIND, PLACEHOLDER_PATTERN

__all__ = [
    "PII_PLACEHOLDERS",
    "PLACEHOLDER_BY_KIND",
    "PLACEHOLDER_PATTERN",
    "MaskMode",
    "PiiMatch",
    "compile_allow",
    "find_pii",
    "fix_particle",
    "luhn_ok",
    "mask_pii",
]
