from .detail import (
    assignment_action_view,
    case_action_view,
    case_detail_view,
    document_download_view,
)
from .documents import reply_docx, reply_print
from .lists import approval_decide_view, approvals_view, case_list_view, queue_view
from .notices import notice_deliver_view, notice_docx

__all__ = [
    "approval_decide_view",
    "approvals_view",
    "assignment_action_view",
    "case_action_view",
    "case_detail_view",
    "case_list_view",
    "document_download_view",
    "notice_deliver_view",
    "notice_docx",
    "queue_view",
    "reply_docx",
    "reply_print",
]
