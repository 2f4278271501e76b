"""What the demo's units write while handling everyday petitions: assignment instructions and
report-backs, the reply's facts and reasons and its legal basis (by category), delivery and
follow-up notes. Hand-written cases (stories.py) carry their own texts."""

from __future__ import annotations

import random

from cases.models import Opinion

# The laws a reply in each top-level category rests on (法律法规依据).
LEGAL_BASES: dict[str, tuple[str, ...]] = {
    "01": (
        "《中华人民共和国城乡规划法》第六十四条、《城市市容和环境卫生管理条例》第二十八条",
        "《城市道路管理条例》第二十条、《江南省城市管理综合执法条例》第十五条",
    ),
    "02": (
        "《中华人民共和国土地管理法》第四十八条、《中华人民共和国土地管理法实施条例》第三十二条",
        "《国有土地上房屋征收与补偿条例》第十七条、第十九条",
    ),
    "03": (
        "《中华人民共和国劳动合同法》第三十条、《保障农民工工资支付条例》第十五条",
        "《中华人民共和国社会保险法》第五十八条、第六十三条",
    ),
    "04": ("《中华人民共和国民事诉讼法》第一百二十二条、《信访工作条例》第三十一条第一项",),
    "05": (
        "《中华人民共和国农村土地承包法》第三十六条、《中华人民共和国村民委员会组织法》第三十二条",
        "《中华人民共和国森林法》第十七条、《农村集体经济组织财务制度》第二十二条",
    ),
    "06": ("《不动产登记暂行条例》第十四条、《中华人民共和国土地管理法》第十四条",),
    "07": (
        "《中华人民共和国环境保护法》第四十二条、《中华人民共和国噪声污染防治法》第六十六条",
        "《中华人民共和国水污染防治法》第三十九条",
    ),
    "08": ("《中华人民共和国劳动合同法》第四十六条、第四十七条",),
    "09": ("《社会救助暂行办法》第九条、第十一条", "《最低生活保障审核确认办法》第十二条"),
    "10": (
        "《中华人民共和国教师法》第二十五条、《中华人民共和国义务教育法》第十二条",
        "《中华人民共和国教育法》第二十九条",
    ),
    "11": ("《医疗纠纷预防和处理条例》第二十二条、《医疗保障基金使用监督管理条例》第十五条",),
    "12": ("《中华人民共和国道路交通安全法》第七十六条、《中华人民共和国公路法》第三十五条",),
    "13": ("《物业管理条例》第三十五条、《中华人民共和国民法典》第九百四十二条",),
    "14": ("《中国共产党纪律处分条例》、《中华人民共和国监察法》第三十五条",),
    "15": ("《信访工作条例》第二十九条",),
    "16": ("《信访工作条例》第三十二条",),
}

FACTS = {
    Opinion.SUPPORT: (
        "{unit}收到你反映的“{summary}”问题后，会同{place}有关单位现场调查核实，情况属实。",
        "经协调，相关单位已制定整改措施并限期落实，{unit}将跟踪督促，确保问题解决到位。",
    ),
    Opinion.EXPLAIN: (
        "{unit}收到你反映的“{summary}”问题后，调阅了相关材料并听取了{place}有关单位的意见。",
        "你反映的情况基本属实，但现行法律法规和政策对此没有明确规定，目前尚不具备按你的请求"
        "处理的条件。{unit}已向你当面说明有关政策，并协调有关方面在政策允许范围内给予帮助。",
    ),
    Opinion.NOT_SUPPORT: (
        "{unit}收到你反映的“{summary}”问题后，会同{place}有关单位调查核实，调取了相关档案"
        "材料并听取了各方意见。",
        "经核实，有关单位的做法符合法律法规和政策规定，你反映的问题缺乏事实根据。",
    ),
}
SUGGESTION_FACTS = {
    Opinion.ADOPTED: (
        "你提出的“{summary}”的建议，{unit}已转请有关部门研究论证。",
        "有关部门认为该建议科学合理、具有现实可行性，已纳入下一阶段工作计划组织实施。",
    ),
    Opinion.PARTLY_ADOPTED: (
        "你提出的“{summary}”的建议，{unit}已转请有关部门研究论证，并听取了{place}群众的意见。",
        "有关部门认为该建议部分内容切实可行，已纳入工作计划；其余内容受规划和资金等条件限制，"
        "近期难以实施，将在今后工作中统筹考虑。",
    ),
    Opinion.NOT_ADOPTED: (
        "你提出的“{summary}”的建议，{unit}已转请有关部门研究论证。",
        "有关部门认为该建议有一定参考价值，但与现行规划不相衔接，暂不具备实施条件。",
    ),
}

REPORTS = (
    "已会同{place}现场核实，相关问题已督促责任单位整改完毕，群众已签字确认。",
    "已调查核实，情况说明及相关材料已整理归档，建议按核实情况答复信访人。",
    "已约谈相关责任人并当面向信访人说明情况，后续将继续跟踪。",
)
INSTRUCTIONS = (
    "请认真调查核实，依法依规处理，于规定时限内报告办理结果。",
    "请会同有关单位实地核查，做好信访人的解释疏导工作，按时报结。",
    "请主要负责同志亲自过问，落实专人办理，办理结果书面报告。",
)
EVALUATION_NOTES = {
    "satisfied": ("对处理结果表示满意。", "感谢政府及时解决问题。", ""),
    "basically_satisfied": ("基本认可处理结果，希望后续跟踪落实。", ""),
    "dissatisfied": ("对处理意见不认可，表示将继续反映。", "认为补偿标准偏低。"),
}
# A query about a procedure, answered on the spot: not a matter to accept (category 16).
NOT_ACCEPT_TEXT = "来信人咨询户籍迁移政策，已当场告知办理流程和受理部门，不属于信访事项受理范围。"
# A matter answered earlier, whose review request window lapsed unused (the case closed).
NOT_REVIEWED_TEXT = (
    "该事项已于{date}作出书面答复并送达，信访人未在规定期限内请求复查，已办结（{number}）。"
    "以同一事实和理由再次反映的，不再作为新的信访事项受理。"
)
DIVERSIONS = {
    # sub-category: (legal channel, body the petitioner is guided to)
    "0401": ("litigation", "{district}人民法院"),
    "0403": ("litigation", "{district}人民法院"),
    "0404": ("litigation", "{district}人民法院执行局"),
    "0405": ("reconsideration", "{district}人民政府行政复议办公室"),
    "0303": ("arbitration", "{district}劳动人事争议仲裁委员会"),
    "0301": ("arbitration", "{district}劳动人事争议仲裁委员会"),
}


def legal_basis(rng: random.Random, category: str) -> str:
    return rng.choice(LEGAL_BASES.get(category[:2], LEGAL_BASES["16"]))


def facts(opinion: str, *, suggestion: bool, unit: str, place: str, summary: str) -> str:
    """Two paragraphs: what was found and what follows from it."""
    table = SUGGESTION_FACTS if suggestion else FACTS
    fallback = Opinion.NOT_ADOPTED if suggestion else Opinion.EXPLAIN
    paragraphs = table.get(opinion, table[fallback])
    context = {"unit": unit, "place": place, "summary": summary}
    return "\n".join(paragraph.format_map(context) for paragraph in paragraphs)
