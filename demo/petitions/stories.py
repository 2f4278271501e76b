"""Hand-scripted case handling: the scenarios of SCENARIOS.md and a few showcase cases, so
that whoever opens the demo finds a case in every state of DESIGN §3 with a believable
timeline. Days are counted back from today and moved to the workday on or before.

- S1 首问负责: simplified procedure, assigned to the community, reported, answered, approved,
  delivered and rated 满意 on the day of the visit.
- S2: assigned to the community, signed for and reported back; the reply comes next.
- S3: group visit at the city, assigned to the forestry bureau (signed), sponsored by leader1
  (四定一包).
- S4: forwarded to the county government, sponsored by the county leader, extended,
  answered, reviewed by the city, re-review at the province with a hearing; the visits to
  the city and the province are not accepted (Art. 19).
- S5: assigned with a co-unit, extended, answered (解释说明), rated 不满意; no review is
  requested, so the case closes (已办结) when the window lapses; the teachers keep coming, and
  their next group visit opens a new case linked to the closed one.
- C1: the street office answers, the district reviews, the city re-reviews: terminated; the
  same matter raised again is not accepted.
- C2: review in progress at the district.  C3: extension awaiting the leader.
- C4: reply sent back once by leader1, redrafted, awaiting leader1's approval.
- C5: awaiting handler1's acceptance decision.
- C6: assigned by the city office to 清河区, awaiting handler1's signature.
- C7: accepted by handler1, not yet worked on.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from cases.models import MatterKind
from petitions.models import Channel

from ..people import Person, make_id_number
from .handling import Script, workday_on_or_before
from .plan import PRINCIPAL, Party, Plan
from .scenarios import Scenario, ScenarioPlanner

D = datetime.date


def _id(region: str, birth: datetime.date, sex: str, serial: int) -> str:
    return make_id_number(region, birth, sex, serial)


SHOWCASES: dict[str, Scenario] = {
    "C1": Scenario(
        "老旧小区改造后房屋渗漏索赔（街道答复、区复查、市复核，已终结）",
        "韩立新", _id("230102", D(1961, 3, 14), "M", 37), "13904517286",
        "江州市清河区升平街道松花江路18号5号楼6单元602室",
        "JZD1S1", "JZD1S1C2", "0106",
    ),
    "C2": Scenario(
        "物业公司上调地面停车费（复查中）",
        "许桂芳", _id("230103", D(1972, 8, 9), "F", 52), "15804513927",
        "江州市江北区江北街道滨江路66号滨江花园3号楼2单元501室",
        "JZD2S1", "JZD2S1C1", "1301",
    ),
    "C3": Scenario(
        "征地青苗补偿面积核算有误（延期待批）",
        "冯德胜", _id("360424", D(1966, 11, 23), "M", 71), "13879462051",
        "江州市江北区红星镇红星村3组27号",
        "JZD2XFJ", "JZD2S2V1", "0201",
    ),
    "C4": Scenario(
        "企业未足额缴纳社会保险（答复待 leader1 审批）",
        "曹丽娟", _id("420111", D(1985, 5, 17), "F", 18), "18607162439",
        "江州市江北区江北街道新华大街219号4号楼1单元302室",
        "JZXFJ", "JZD2S1C2", "0302",
    ),
    "C5": Scenario(
        "站前大街夜市占道经营噪声扰民（待 handler1 受理）",
        "蒋文斌", _id("230102", D(1979, 1, 30), "M", 64), "13359874120",
        "江州市清河区北市街道站前大街45号2号楼3单元201室",
        "JZD1XFJ", "JZD1S2C2", "0105",
    ),
    "C6": Scenario(
        "友谊路雨水井盖缺失（市信访局交办清河区，待签收）",
        "魏秀英", _id("230103", D(1958, 12, 2), "F", 29), "0451-86327719",
        "江州市清河区升平街道友谊路12号7号楼1单元101室",
        "JZXFJ", "JZD1S1C3", "0103",
    ),
    "C7": Scenario(
        "小区电梯频繁故障（已受理，待办理）",
        "邵建华", _id("230103", D(1968, 6, 21), "M", 83), "13766540182",
        "江州市清河区北市街道北五道街23号3号楼1单元1102室",
        "JZD1XFJ", "JZD1S2C1", "1301",
    ),
}  # fmt: skip
SHOWCASE_ID_NUMBERS = frozenset(s.id_number for s in SHOWCASES.values())


def _person(code: str) -> Person:
    return SHOWCASES[code].person


def _plan(planner: ScenarioPlanner, code: str, days_ago: int, hour: int, **fields) -> Plan:
    s = SHOWCASES[code]
    values = {
        "channel": Channel.VISIT,
        "receiving": s.receiving_unit,
        "actor": {"JZXFJ": "reception1", "JZD1XFJ": "handler1", "JZD2XFJ": "handler2"}.get(
            s.receiving_unit, s.receiving_unit.lower()
        ),
        "location": s.location_unit,
        "category": s.category,
        "matter_kind": MatterKind.COMPLAINT,
        "person_count": 1,
        "parties": [Party(_person(code), PRINCIPAL)],
        "key": code,
    }
    values.update(fields)
    return Plan(received_at=planner.day(days_ago, hour, 10), **values)


def showcase_plans(planner: ScenarioPlanner) -> list[Plan]:
    """The petitions of the showcase cases (C1 twice: the matter, and the same matter again
    after it was terminated)."""
    c1 = dict(
        summary="老旧小区改造施工后房屋渗漏，要求赔偿装修损失",
        content=(
            "本人住松花江路18号5号楼6单元顶层。去年街道组织老旧小区改造，施工队更换屋面防水层后，"
            "我家卧室和客厅屋顶多处渗水，墙面发霉、地板起鼓。找施工队和社区多次，只做了简单修补，"
            "雨天照样漏。"
        ),
        demands="请求重新做屋面防水，赔偿装修损失3.8万元。",
    )
    return [
        _plan(planner, "C1", 175, 9, **c1),
        _plan(
            planner, "C1", 21, 10, **{**c1, "key": "C1-again"},
        ),
        _plan(
            planner, "C2", 95, 15, channel=Channel.LETTER,
            summary="物业公司擅自上调地面停车费",
            content=(
                "我住滨江路66号滨江花园小区。物业公司今年起将地面停车费从每月80元上调到150元，"
                "没有征求业主意见，也没有公示收费依据，不交就不让车辆进小区。"
            ),
            demands="请求责令物业公司恢复原收费标准，退还多收的费用。",
        ),
        _plan(
            planner, "C3", 57, 10,
            summary="承包地被征收后青苗补偿面积少算0.6亩",
            content=(
                "我家在红星村3组的承包地去年被征收用于产业园道路建设，补偿时按1.2亩计算青苗补偿，"
                "但我家承包合同上是1.8亩，少算了0.6亩。找村里和镇里，都说面积是测绘公司测的。"
            ),
            demands="请求重新丈量面积，补足青苗补偿款。",
        ),
        _plan(
            planner, "C4", 40, 14,
            summary="江州恒通物流有限公司未足额为职工缴纳社会保险",
            content=(
                "我在江州恒通物流有限公司工作六年，公司一直按最低基数为职工缴纳养老保险，"
                "2023年3月以后有十个月没有缴纳。找公司多次，公司说经营困难，让我们等。"
            ),
            demands="请求督促公司按实际工资足额补缴社会保险。",
        ),
        _plan(
            planner, "C5", 1, 9,
            summary="站前大街夜市占道经营，噪声油烟扰民",
            content=(
                "站前大街45号楼下夜市摊位每天从傍晚经营到凌晨两点，占用人行道和消防通道，"
                "噪声和油烟很大，楼上住户无法休息。"
            ),
            demands="请求依法规范夜市经营时间和范围，清理消防通道。",
        ),
        _plan(
            planner, "C6", 6, 10,
            summary="友谊路12号附近雨水井盖缺失存在安全隐患",
            content=(
                "友谊路12号门前人行道上的雨水井盖丢失半个多月，只用一块木板盖着，"
                "晚上有老人和孩子差点掉下去。"
            ),
            demands="请求尽快补装井盖。",
        ),
        _plan(
            planner, "C7", 12, 15, channel=Channel.PHONE,
            summary="北五道街23号3号楼电梯频繁故障困人",
            content=(
                "我住北五道街23号3号楼11层，楼里电梯一个月内坏了五次，上周还困了人。"
                "物业说维修资金申请不下来，只能临时修修。"
            ),
            demands="请求督促物业公司尽快大修或更换电梯。",
        ),
    ]  # fmt: skip


def _before_due(accepted: datetime.date, day: datetime.date) -> datetime.date:
    """`day`, or earlier if need be: an extension is asked before the handling time limit
    (acceptance + 60 days) ends, however the holidays fell."""
    return min(day, workday_on_or_before(accepted + datetime.timedelta(days=55)))


def script_stories(script: Script, plans: dict[str, Plan]) -> None:
    """The steps of S1–S5 and C1–C6 (`plans` by key)."""
    today = script.today

    def ago(days: int) -> datetime.date:
        return workday_on_or_before(today - datetime.timedelta(days=days))

    _s1(script.case(plans["S1"]), timezone.localdate(plans["S1"].received_at))
    _s2(script.case(plans["S2"]), ago)
    _s3(script.case(plans["S3"]), ago)
    _s4(script, plans, ago)
    _s5(script.case(plans["S5"]), ago)
    _c1(script, plans, ago)
    _c2(script.case(plans["C2"]), ago)
    _c3(script.case(plans["C3"]), ago)
    _c4(script.case(plans["C4"]), ago)
    _c6(script.case(plans["C6"]), ago)
    script.case(plans["C7"]).at(ago(10), "accept", by="handler1")


def _s1(case, day) -> None:
    """Registered, handled, answered and rated within the day of the visit."""
    case.at(day, "accept", by="jzd1s1", simplified=True, comment="首问负责，简易办理。")
    case.at(
        day, "assign", by="jzd1s1", lead="JZD1S1C1", days=0, person="升平社区主任 何桂兰",
        instructions="请社区今天内组织清运楼道垃圾，协调落实袋装垃圾收运人员，当日报结。",
    )  # fmt: skip
    case.at(day, "sign", by="jzd1s1c1")
    case.at(
        day, "report", by="jzd1s1c1",
        text=(
            "社区已组织人员于当天上午将3号楼楼道垃圾清运完毕，并新聘一名保洁员负责该楼"
            "袋装垃圾收运，居民已签字确认。"
        ),
    )  # fmt: skip
    case.at(
        day, "reply", by="jzd1s1", opinion="support", resolved=True,
        request="清运楼道垃圾，安排人员负责收取袋装垃圾。",
        facts=(
            "升平街道收到你反映的问题后，当即交升平社区办理。社区当天上午组织人员将升平街3号楼"
            "楼道堆积的垃圾清运完毕。\n"
            "经了解，原负责收取袋装垃圾的两名保洁人员因矛盾停止收运。社区已新聘一名保洁员专门"
            "负责该楼袋装垃圾收运，并将该楼纳入社区日常巡查。"
        ),
        basis="《城市市容和环境卫生管理条例》第二十八条",
    )  # fmt: skip
    case.at(day, "decide", by="jzd1-leader", kind="reply", instruction="同意。")
    case.at(day, "deliver", by="jzd1s1", method="in_person")
    case.at(
        day, "evaluate", by="jzd1s1", result="satisfied", contact="孙佩华",
        note="当场表示满意，感谢社区及时处理。",
    )  # fmt: skip


def _s2(case, ago) -> None:
    """The water main: the community coordinates with the water company and reports back."""
    case.at(ago(8), "accept", by="jzd1s2")
    case.at(
        ago(8), "assign", by="jzd1s2", lead="JZD1S2C1", days=20, person="北五道街社区主任 高秀珍",
        instructions="请社区会同物业查明17号院主管道产权，协调市自来水公司维修，报告协调情况。",
    )  # fmt: skip
    case.at(ago(7), "sign", by="jzd1s2c1")
    case.at(
        ago(2), "report", by="jzd1s2c1",
        text=(
            "经社区与市自来水公司三轮协调，自来水公司确认17号院主管道属其维护范围，同意免费"
            "维修，已于本周完成更换，院内积水已清理，居民送来锦旗。"
        ),
    )  # fmt: skip


def _s3(case, ago) -> None:
    """The group visit about the forest land: leader1 sponsors, forestry leads."""
    case.at(
        ago(5), "assign", by="jzxfj", lead="JZLYJ", co=("JZD3",), days=25,
        person="市林业局分管副局长",
        instructions=(
            "请市林业局牵头、青山县配合，核查竹林村林地流转合同、村民会议记录和租金收支，"
            "依法提出处理意见；市纪委监委、市综治中心、市司法局参加联合督办。"
        ),
    )  # fmt: skip
    case.at(
        ago(5), "sponsor", by="leader1", staff="jzxfj", days=30,
        responsibility=(
            "包案领导亲自协调，市信访局专人跟踪；30日内查清林地流转事实，依法处理并书面答复群众；"
            "责任单位：市林业局、青山县。"
        ),
    )  # fmt: skip
    case.at(ago(4), "sign", by="jzlyj")


def _s4(script: Script, plans: dict[str, Plan], ago) -> None:
    """Reservoir resettlement: the county government answers, the city reviews, the province
    re-reviews (with a hearing); the visits to the city and the province are not accepted
    while the lower body is within its time limit (Art. 19)."""
    county = script.case(plans["S4"])
    county.at(
        ago(149), "forward", by="jzd3xfj", to="JZD3",
        comment="移民安置补偿政策性强，转县人民政府研究处理。",
    )  # fmt: skip
    county.at(ago(148), "accept", by="jzd3")
    accepted = county.last
    county.at(
        ago(146), "sponsor", by="jzd3-leader", staff="jzd3ymb", days=60,
        responsibility=(
            "县领导包案，县移民办主任具体负责，60日内查清补偿资金发放情况，提出处理意见，"
            "做好移民户疏导工作。"
        ),
    )  # fmt: skip
    county.at(
        ago(146), "assign", by="jzd3", lead="JZD3YMB", co=("JZD3S1",), days=35,
        person="县移民办主任",
        instructions=(
            "请县移民办牵头、青山镇配合，逐户核对补偿资金发放台账，说明补偿标准的确定依据，"
            "提请四级会诊研究。"
        ),
    )  # fmt: skip
    county.at(ago(145), "sign", by="jzd3ymb")
    county.at(
        ago(112), "report", by="jzd3ymb",
        text=(
            "经逐户核对，红岩水库移民安置补偿款均按县政府确定的标准足额发放到户，不存在截留挪用。"
            "补偿标准高于省定区间下限；经四级会诊，县信访联席会议研究认为应维持现行标准，"
            "另对12户生活困难移民户给予困难救助。"
        ),
    )  # fmt: skip
    county.at(
        _before_due(accepted, ago(95)), "extend", by="jzd3", days=30,
        reason="需提请县信访联席会议研究，并征求市水库移民主管部门意见，60日内难以办结。",
    )  # fmt: skip
    county.at(ago(94), "decide", by="jzd3-leader", kind="extension", instruction="同意延期30日。")

    city = script.case(plans["S4-city"])
    city.at(
        ago(79), "not_accept", by="jzxfj", reason="accepted_below",
        text="青山县人民政府已受理该事项，尚在办理期限内，已告知信访人等待县里答复（条例第十九条）。",
    )  # fmt: skip
    city.at(ago(78), "decide", by="leader1", kind="not_accept", instruction="同意不予受理。")

    county.at(
        ago(70), "reply", by="jzd3", opinion="not_support", resolved=False,
        request="按省定上限标准补足安置补偿款；公开补偿资金使用明细。",
        facts=(
            "县人民政府收到你们反映的问题后，由县领导包案，组织县移民办、县财政局和青山镇逐户"
            "核对补偿资金发放台账，并经四级会诊研究。\n"
            "经核实，红岩水库移民安置补偿款已按县政府确定的标准足额发放到户，资金使用明细已在"
            "移民新村公示，不存在截留挪用问题。省定补偿标准为区间标准，县里确定的标准在省定区间"
            "之内，符合规定；按上限标准补足将与全县其他水库移民政策不一致。\n"
            "考虑到部分移民户生活确有困难，县里决定对12户困难移民户给予一次性困难救助。"
        ),
        basis=(
            "《大中型水利水电工程建设征地补偿和移民安置条例》第二十二条、"
            "《江南省大中型水库移民后期扶持实施办法》第八条"
        ),
    )  # fmt: skip
    county.at(ago(69), "decide", by="jzd3-leader", kind="reply", instruction="同意。")
    county.at(ago(68), "deliver", by="jzd3", method="in_person")
    county.at(
        ago(66), "evaluate", by="jzd3", result="dissatisfied", contact="马德顺",
        note="移民户代表不认可处理意见，表示将申请复查。",
    )  # fmt: skip
    county.at(
        ago(55), "request_review", by="jzxfj",
        request="对青山县人民政府的处理意见不服，请求江州市人民政府复查。",
    )  # fmt: skip

    province = script.case(plans["S4-province"])
    province.at(
        ago(44), "not_accept", by="jnxfj", reason="accepted_below",
        text="江州市人民政府正在对该事项进行复查，尚在复查期限内（条例第十九条），已告知信访人。",
    )  # fmt: skip
    province.at(ago(43), "decide", by="jn-leader", kind="not_accept", instruction="同意。")

    county.at(
        ago(30), "review", by="jzxfj", decision="uphold",
        opinion=(
            "经复查，青山县人民政府的处理意见认定事实清楚，补偿标准在省定区间之内，"
            "程序合法，维持原处理意见。"
        ),
    )  # fmt: skip
    county.at(
        ago(20), "request_rereview", by="jnxfj",
        request="对江州市人民政府的复查意见不服，请求江南省人民政府复核。",
    )  # fmt: skip
    county.at(
        ago(12), "hearing", by="jnxfj", days=3,
        note="复核听证：移民户代表、县移民办、市水库移民主管部门参加，听取各方意见。",
    )  # fmt: skip


def _s5(case, ago) -> None:
    """The substitute teachers: one case, many visits, an answer they do not accept."""
    case.at(
        ago(158), "assign", by="handler2", lead="JZD2JYJ", co=("JZD2RSJ",), days=30,
        person="区教育局人事科科长",
        instructions=(
            "请区教育局牵头、区人社局配合，摸清被清退代课教师人数、代课年限和参保情况，"
            "提出补偿和参保的政策意见。"
        ),
    )  # fmt: skip
    accepted = case.last
    case.at(ago(157), "sign", by="jzd2jyj")
    case.at(
        ago(125), "report", by="jzd2jyj",
        text=(
            "经摸底，全区被清退代课教师约1480人，其中代课十年以上的612人。对清退代课教师的经济"
            "补偿和养老保险补缴，国家和省尚无统一政策；建议对符合条件的人员按省里现行政策办理，"
            "同时向上级反映群众诉求。"
        ),
    )  # fmt: skip
    case.at(
        _before_due(accepted, ago(105)), "extend", by="handler2", days=30,
        reason="涉及人数多、政策性强，需提请区政府常务会议研究，60日内难以办结。",
    )  # fmt: skip
    case.at(
        ago(104), "decide", by="jzd2-leader", kind="extension",
        instruction="同意延期30日，区教育局、区人社局抓紧拿出方案。",
    )  # fmt: skip
    case.at(
        ago(80), "reply", by="handler2", opinion="explain", resolved=False,
        request="按代课年限给予经济补偿；帮助补缴养老保险。",
        facts=(
            "区信访局收到你们反映的问题后，交区教育局、区人社局调查核实，并提请区政府常务会议研究。\n"
            "经核实，全区被清退代课教师约1480人。对清退代课教师的经济补偿和养老保险补缴，国家和"
            "省尚无统一政策规定，区里无权自行确定补偿标准。对符合条件的人员，区人社局已按省里"
            "现行政策办理灵活就业人员参保手续；你们的诉求已由区政府书面报告市政府。"
        ),
        basis="《中华人民共和国教师法》第二十五条、《中华人民共和国社会保险法》第十条",
    )  # fmt: skip
    case.at(ago(79), "decide", by="jzd2-leader", kind="reply", instruction="同意。")
    case.at(ago(77), "deliver", by="handler2", method="in_person")
    case.at(
        ago(74), "evaluate", by="handler2", result="dissatisfied", contact="刘志红",
        note="代课教师代表不认可，表示将继续反映。",
    )  # fmt: skip


def _c1(script: Script, plans: dict[str, Plan], ago) -> None:
    """The full chain: 升平街道 answers, 清河区 reviews, 江州市 re-reviews; terminated. The
    same matter raised again is not accepted, naming the terminated case."""
    case = script.case(plans["C1"])
    case.at(ago(174), "accept", by="jzd1s1")
    case.at(
        ago(173), "assign", by="jzd1s1", lead="JZD1S1C2", days=20,
        person="松花江社区党委书记 刘红梅",
        instructions="请会同施工单位、监理单位现场查勘渗漏原因，10日内提出处理方案。",
    )  # fmt: skip
    case.at(ago(172), "sign", by="jzd1s1c2")
    case.at(
        ago(158), "report", by="jzd1s1c2",
        text=(
            "已会同施工单位、监理单位现场查勘。施工单位已重做该楼屋面防水并经闭水试验合格。"
            "经委托江州市建设工程质量检测中心鉴定，室内装修损坏主要系屋面原防水层老化多年渗漏"
            "所致，与改造施工无直接因果关系。"
        ),
    )  # fmt: skip
    case.at(
        ago(152), "reply", by="jzd1s1", opinion="not_support", resolved=False,
        request="重新做屋面防水；赔偿装修损失3.8万元。",
        facts=(
            "升平街道收到你反映的问题后，会同松花江社区、施工单位和监理单位现场查勘。施工单位"
            "已重做你所在楼栋的屋面防水层，经闭水试验合格，渗漏问题已解决。\n"
            "经江州市建设工程质量检测中心鉴定，你家室内装修损坏主要系屋面原防水层老化多年渗漏"
            "所致，与本次改造施工无直接因果关系。你提出由街道赔偿装修损失3.8万元的请求缺乏事实"
            "根据。"
        ),
        basis="《中华人民共和国民法典》第一千一百六十五条、《江州市老旧小区改造工作实施办法》第二十一条",
    )  # fmt: skip
    case.at(ago(151), "decide", by="jzd1-leader", kind="reply", instruction="同意。")
    case.at(ago(150), "deliver", by="jzd1s1", method="in_person")
    case.at(
        ago(146), "evaluate", by="jzd1s1", result="dissatisfied", contact="韩立新",
        note="不认可鉴定结论，表示将申请复查。",
    )  # fmt: skip
    case.at(
        ago(135), "request_review", by="jzd1",
        request="鉴定机构由街道委托，结论不公正，对升平街道的处理意见不服，请求复查。",
    )  # fmt: skip
    case.at(
        ago(112), "review", by="jzd1", decision="uphold",
        opinion=(
            "经复查，升平街道受理、调查、答复程序合法，鉴定机构具有相应资质，处理意见认定事实"
            "清楚、适用依据正确，维持升平街道作出的处理意见。"
        ),
    )  # fmt: skip
    case.at(ago(100), "request_rereview", by="jz", request="对清河区的复查意见不服，请求复核。")
    case.at(
        ago(75), "rereview", by="jz", decision="uphold",
        opinion=(
            "经复核，原处理意见和复查意见认定事实清楚、程序合法、依据正确，予以维持。你对复核"
            "意见仍不服、以同一事实和理由提出投诉请求的，各级信访部门和其他机关、单位不再受理。"
        ),
    )  # fmt: skip

    again = script.case(plans["C1-again"])
    again.at(
        ago(20), "not_accept", by="jzd1s1", reason="terminated",
        text="该事项已经复查、复核，信访程序终结，以同一事实和理由再次反映的，不再受理。",
    )  # fmt: skip
    again.at(ago(19), "decide", by="jzd1-leader", kind="not_accept", instruction="同意。")


def _c2(case, ago) -> None:
    """Answered on time, rated 不满意, review requested at the district: in progress."""
    case.at(ago(94), "accept", by="jzd2s1")
    case.at(
        ago(40), "reply", by="jzd2s1", opinion="not_support", resolved=False,
        request="责令物业公司恢复原停车收费标准，退还多收的费用。",
        facts=(
            "江北街道收到你反映的问题后，会同滨江社区查阅了小区规划、车位产权登记和物业服务"
            "合同，并听取了业主委员会和物业公司的意见。\n"
            "经核实，小区地面停车位系开发建设单位依法保留产权的车位，不属于业主共有部分，"
            "收费标准实行市场调节价；物业公司调价前已提前30日在小区公示，符合规定。"
        ),
        basis="《物业管理条例》第四十条、《江南省物业服务收费管理办法》第十二条",
    )  # fmt: skip
    case.at(ago(39), "decide", by="jzd2-leader", kind="reply", instruction="同意。")
    case.at(ago(37), "deliver", by="jzd2s1", method="post")
    case.at(
        ago(33), "evaluate", by="jzd2s1", result="dissatisfied", contact="许桂芳",
        note="认为地面车位属于业主共有，表示将申请复查。",
    )  # fmt: skip
    case.at(
        ago(18), "request_review", by="jzd2",
        request="认为小区地面车位属于业主共有，对江北街道的处理意见不服，请求复查。",
    )  # fmt: skip


def _c3(case, ago) -> None:
    """Assigned to the township, reported, then an extension asked of the leader."""
    case.at(
        ago(56), "assign", by="handler2", lead="JZD2S2", days=40, person="红星镇分管副镇长",
        instructions="请会同镇自然资源所和村委会重新丈量核实承包地面积，报告核实情况。",
    )  # fmt: skip
    accepted = case.last
    case.at(ago(55), "sign", by="jzd2s2")
    case.at(
        ago(19), "report", by="jzd2s2",
        text=(
            "已会同镇自然资源所和红星村委会重新丈量，实测面积1.76亩，与原补偿面积相差0.56亩，"
            "需报区自然资源局重新核定补偿面积和标准。"
        ),
    )  # fmt: skip
    case.at(
        _before_due(accepted, ago(2)), "extend", by="handler2", days=30,
        reason="需报请区自然资源局重新核定补偿面积和标准，并经区征地补偿工作领导小组研究，"
        "60日内难以办结。",
    )  # fmt: skip


def _c4(case, ago) -> None:
    """Assigned to the city HR bureau, reported; the reply sent back once, now redrafted."""
    case.at(
        ago(39), "assign", by="jzxfj", lead="JZRSJ", days=25,
        person="市人社局劳动保障监察支队",
        instructions="请依法开展劳动保障监察，查明企业欠缴社会保险情况，督促补缴并报告结果。",
    )  # fmt: skip
    case.at(ago(38), "sign", by="jzrsj")
    case.at(
        ago(15), "report", by="jzrsj",
        text=(
            "经劳动保障监察支队调查，该公司2023年3月至12月未为12名职工缴纳社会保险，已下达"
            "限期改正指令书，公司已补缴欠缴的社会保险费；缴费基数问题已责令按实际工资申报。"
        ),
    )  # fmt: skip
    reply = dict(
        request="督促公司按实际工资足额补缴社会保险。",
        opinion="support",
        resolved=True,
        basis="《中华人民共和国社会保险法》第六十条、第六十三条",
    )
    case.at(
        ago(10), "reply", by="jzxfj",
        facts="经市人社局调查核实，公司存在欠缴社会保险费问题，已责令其补缴。",
        **reply,
    )  # fmt: skip
    case.at(
        ago(8), "decide", by="leader1", kind="reply", approve=False,
        instruction="请补充监察调查认定的事实、限期改正指令书文号和补缴到账时间后重新报批。",
    )  # fmt: skip
    case.at(
        ago(3), "reply", by="jzxfj",
        facts=(
            "市信访局收到你反映的问题后，交市人力资源和社会保障局依法调查处理。\n"
            "经市人社局劳动保障监察支队调查，江州恒通物流有限公司2023年3月至12月未为包括你在内的"
            "12名职工缴纳社会保险，缴费基数低于职工实际工资。市人社局已向该公司下达《劳动保障监察"
            "限期改正指令书》（江人社监令〔2026〕17号），该公司已补缴欠缴的社会保险费，并自下月起"
            "按实际工资申报缴费基数。"
        ),
        **{**reply, "basis": reply["basis"] + "，《社会保险稽核办法》第十条"},
    )  # fmt: skip


def _c6(case, ago) -> None:
    """Assigned by the city office to 清河区: waits for handler1 to sign for it."""
    case.at(
        ago(5), "assign", by="jzxfj", lead="JZD1", days=15, person="清河区信访局",
        instructions="请督促有关单位立即设置警示标志并尽快补装井盖，办理结果报市信访局。",
    )  # fmt: skip
