from .notices import WrittenNoticeViewSet
from .viewsets import ApprovalViewSet, AssignmentViewSet, CaseViewSet

__all__ = ["ApprovalViewSet", "AssignmentViewSet", "CaseViewSet", "WrittenNoticeViewSet"]
