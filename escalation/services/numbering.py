"""Escalation numbers its notices with `accounts.numbering` (one sequence per issuing unit,
series and year, shared with reception's notices and the replies of `cases`)."""

from accounts.numbering import document_prefix, next_document_number

__all__ = ["document_prefix", "next_document_number"]
