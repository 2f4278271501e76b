"""The audit page writes each entry's detail in the auditor's words."""

from audit.details import detail_text


def test_role_changes_read_in_chinese_with_the_role_names():
    text = detail_text({"field": "groups", "before": [], "after": ["leader", "handler"]})
    assert text == "变更后：领导、承办人；变更前：—；字段：groups"


def test_account_flags_and_counts_read_in_chinese():
    assert detail_text({"is_staff": {"before": False, "after": True}}) == "职员：否 → 是"
    assert detail_text({"count": 2, "reason": "logout"}) == "数量：2；原因：logout"
    assert detail_text({}) == ""
