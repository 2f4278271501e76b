"""Every write of the petitions app: the intake (`intake`: a staff registration, and the one
path every petition takes) and the petitioner's own writes from the public portal (`online`)."""

from .intake import (
    CLOCK_SKEW,
    QUERY_CODE_ALPHABET,
    QUERY_CODE_LENGTH,
    PetitionDraft,
    PetitionerDraft,
    Registration,
    can_register,
    new_query_code,
    next_petition_number,
    petition_register,
    query_code_hash,
)
from .online import (
    ONLINE_MAX_ATTACHMENTS,
    OnlineDraft,
    online_receiving_unit,
    petition_submit_online,
    query_code_renew,
)

__all__ = [
    "CLOCK_SKEW",
    "ONLINE_MAX_ATTACHMENTS",
    "QUERY_CODE_ALPHABET",
    "QUERY_CODE_LENGTH",
    "OnlineDraft",
    "PetitionDraft",
    "PetitionerDraft",
    "Registration",
    "can_register",
    "new_query_code",
    "next_petition_number",
    "online_receiving_unit",
    "petition_register",
    "petition_submit_online",
    "query_code_hash",
    "query_code_renew",
]
