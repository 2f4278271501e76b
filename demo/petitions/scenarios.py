"""The petitions of the scenarios of SCENARIOS.md (S1–S5; S6 reads the whole volume). Each
principal has a fixed, valid ID number so that tests and walkthroughs can find it; what is
done on the cases afterwards is scripted in stories.py."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from cases.models import MatterKind
from petitions.models import Channel

from ..orgs import UNIT_SPECS
from ..people import Person, PersonFactory
from .plan import MEMBER, PRINCIPAL, REPRESENTATIVE, Party, Plan, address_of, at, workday_before


@dataclass(frozen=True)
class Scenario:
    title: str
    principal: str
    id_number: str
    phone: str
    address: str
    receiving_unit: str  # code of the unit that received the (first) petition
    location_unit: str
    category: str  # category code

    @property
    def person(self) -> Person:
        """The principal petitioner (the sex is the ID number's)."""
        sex = "M" if int(self.id_number[16]) % 2 else "F"
        return Person(self.principal, sex, self.id_number, self.phone, self.address)


SCENARIOS: dict[str, Scenario] = {
    "S1": Scenario(
        "升平街3号楼楼道垃圾堆积（首问负责制，当日办结）",
        "孙佩华", "230102195704120646", "13945120367",
        "江州市清河区升平街道升平街3号楼2单元402室",
        "JZD1S1", "JZD1S1C1", "0104",
    ),
    "S2": Scenario(
        "北五道街院内自来水主管道漏水（协调办理）",
        "温启光", "230103194908231171", "0451-84623517",
        "江州市清河区北市街道北五道街17号院",
        "JZD1S2", "JZD1S2C1", "0103",
    ),
    "S3": Scenario(
        "竹林村集体林地被擅自流转（集体访，五方联合督办）",
        "陈永福", "360424196211050318", "15879326418",
        "江州市青山县白石乡竹林村4组21号",
        "JZXFJ", "JZD3S2V1", "0504",
    ),
    "S4": Scenario(
        "红岩水库移民安置补偿（包案，四级会诊）",
        "马德顺", "430621195802170157", "18774015362",
        "江州市青山县青山镇红岩水库移民新村2组8号",
        "JZD3XFJ", "JZD3S1V2", "0201",
    ),
    "S5": Scenario(
        "江北区被清退代课教师待遇（领导接访，约访）",
        "刘志红", "420106197909302283", "13607158842",
        "江州市江北区江北街道学府路56号9号楼1单元301室",
        "JZD2XFJ", "JZD2", "1004",
    ),
}  # fmt: skip
RESERVED_ID_NUMBERS = frozenset(s.id_number for s in SCENARIOS.values())


def _principal(code: str) -> Person:
    return SCENARIOS[code].person


class ScenarioPlanner:
    def __init__(self, rng: random.Random, people: PersonFactory, now: datetime.datetime):
        self.rng = rng
        self.people = people
        self.now = now

    def day(self, days_ago: int, hour: int = 9, minute: int = 30) -> datetime.datetime:
        """`days_ago` days back (moved to a workday), at office hours."""
        day = workday_before(self.now.date() - datetime.timedelta(days=days_ago))
        moment = at(day, hour, minute, self.now.tzinfo)
        while moment > self.now - datetime.timedelta(minutes=10):  # not yet this morning
            day = workday_before(day - datetime.timedelta(days=1))
            moment = at(day, hour, minute, self.now.tzinfo)
        return moment

    def others(self, village_code: str, count: int, role: str) -> list[Party]:
        village = UNIT_SPECS[village_code]
        return [
            Party(self.people.new(address_of(self.rng, village), min_age=30), role)
            for _ in range(count)
        ]

    def plans(self) -> list[Plan]:
        return [*self.s1(), *self.s2(), *self.s3(), *self.s4(), *self.s5()]

    def s1(self) -> list[Plan]:
        return [Plan(
            received_at=self.day(0, 9, 20),
            channel=Channel.VISIT, receiving="JZD1S1", actor="jzd1s1", location="JZD1S1C1",
            category="0104", matter_kind=MatterKind.COMPLAINT, person_count=1,
            summary="升平街3号楼楼道垃圾堆积多日无人清运",
            content=(
                "本人系升平社区居民。升平街3号楼楼梯口垃圾已堆积多日，原负责收取袋装垃圾的两名"
                "保洁人员闹矛盾后都不来收了，楼道异味很大，影响全楼居民生活。"
            ),
            demands="请求尽快清运垃圾，安排人员负责收取袋装垃圾。",
            parties=[Party(_principal("S1"), PRINCIPAL)], scenario="S1", key="S1",
        )]  # fmt: skip

    def s2(self) -> list[Plan]:
        return [Plan(
            received_at=self.day(9, 10, 5),
            channel=Channel.VISIT, receiving="JZD1S2", actor="jzd1s2", location="JZD1S2C1",
            category="0103", matter_kind=MatterKind.COMPLAINT, person_count=1,
            summary="北五道街17号院自来水主管道老化每日漏水",
            content=(
                "北五道街17号院内的自来水主管道是上世纪五十年代铺设的，年久失修，每天都在漏水，"
                "院内地面常年积水，冬季结冰，老人出行多次滑倒。社区说管道产权不清，需要自来水公司处理。"
            ),
            demands="请求协调自来水公司维修或更换主管道。",
            parties=[Party(_principal("S2"), PRINCIPAL)], scenario="S2", key="S2",
        )]  # fmt: skip

    def s3(self) -> list[Plan]:
        return [Plan(
            received_at=self.day(6, 9, 0),
            channel=Channel.VISIT, receiving="JZXFJ", actor="reception1", location="JZD3S2V1",
            category="0504", matter_kind=MatterKind.COMPLAINT, person_count=40,
            summary="竹林村三千余亩集体林地未经农户同意被村、乡干部流转出租",
            content=(
                "白石乡竹林村及乡里的部分干部，在没有告知林权所属农户、未经村民会议讨论的情况下，"
                "将涉及几十户农户的三千余亩林地出租给外地老板经营，租期三十年，租金去向不明。"
                "农户多次向村里、乡里反映无果，今天四十名村民推选五名代表到市政府反映。"
            ),
            demands="请求确认林地出租无效、公开租金收支，追究违规干部责任，保障农户林权。",
            parties=[
                Party(_principal("S3"), PRINCIPAL), *self.others("JZD3S2V1", 4, REPRESENTATIVE)
            ],
            scenario="S3", key="S3",
        )]  # fmt: skip

    def s4(self) -> list[Plan]:
        """The households first at the county, then again at the county (a repeat on the open
        case), at the city and at the province (a skip-level visit). The city and province
        offices cannot see the county's case, so each opens its own."""
        principal = Party(_principal("S4"), PRINCIPAL)
        reps = self.others("JZD3S1V2", 2, REPRESENTATIVE)
        content = (
            "我们是红岩水库移民新村的移民户。省里规定的移民安置补偿有一个标准区间，县水库移民"
            "安置办公室按高于下限、远低于上限的标准发放，我们认为差额被移民办截留挪用。"
        )
        demands = "请求按省定上限标准补足安置补偿款，公开补偿资金使用明细。"
        common = dict(
            location="JZD3S1V2", category="0201", matter_kind=MatterKind.COMPLAINT,
            summary="红岩水库移民户反映安置补偿标准过低、补偿款被截留",
            demands=demands, scenario="S4",
        )  # fmt: skip
        first = Plan(
            received_at=self.day(150, 9, 40), channel=Channel.VISIT, receiving="JZD3XFJ",
            actor="jzd3xfj", person_count=7, content=content, parties=[principal, *reps], **common,
        )  # fmt: skip
        again = Plan(
            received_at=self.day(118, 14, 0), channel=Channel.LETTER, receiving="JZD3XFJ",
            actor="jzd3xfj", person_count=1, parent=first, parties=[principal],
            content="此前已到县信访局反映，至今未解决，再次来信。" + content, **common,
        )  # fmt: skip
        city = Plan(
            received_at=self.day(80, 10, 15), channel=Channel.VISIT, receiving="JZXFJ",
            actor="reception1", person_count=3, parties=[principal, *reps],
            content="县里答复补偿标准符合政策，我们不认可，到市里反映。" + content, **common,
        )  # fmt: skip
        province = Plan(
            received_at=self.day(45, 9, 50), channel=Channel.VISIT, receiving="JNXFJ",
            actor="jnxfj", person_count=6,
            parties=[principal, *reps, *self.others("JZD3S1V2", 1, MEMBER)],
            content="县、市两级均未解决，移民户代表到省信访局反映。" + content, **common,
        )  # fmt: skip
        keys = ("S4", "S4-again", "S4-city", "S4-province")
        for plan, key in zip((first, again, city, province), keys, strict=True):
            plan.key = key
        return [first, again, city, province]

    def s5(self) -> list[Plan]:
        """One case for the dismissed substitute teachers: a group visit, then individual and
        group visits and a letter attached to it as repeats. The answer (stories.py) is not
        taken to review, so the case closes; their group visit after that opens a new case,
        linked to the closed one, which the district leader is to receive them on."""
        principal = Party(_principal("S5"), PRINCIPAL)
        reps = self.others("JZD2S1C3", 4, REPRESENTATIVE)
        common = dict(
            receiving="JZD2XFJ", actor="handler2", location="JZD2", category="1004",
            matter_kind=MatterKind.COMPLAINT, summary="被清退代课教师要求解决补偿和养老保险问题",
            demands="请求按代课年限给予经济补偿，帮助补缴养老保险。", scenario="S5",
        )  # fmt: skip
        content = (
            "江北区约一千四百八十名代课教师被清退，很多人代课十年以上，清退时没有任何补偿，"
            "养老保险也没有着落。我们多次到区教育局、区人社局反映，都说要等政策。"
        )
        first = Plan(
            received_at=self.day(160, 9, 10), channel=Channel.VISIT, person_count=15,
            content=content, parties=[principal, *reps], **common,
        )  # fmt: skip
        first.key = "S5"
        plans = [first]
        follow_ups = [
            (130, Channel.VISIT, 1, None),
            (95, Channel.VISIT, 23, [principal, *reps]),
            (66, Channel.LETTER, 1, [principal]),
            (52, Channel.VISIT, 1, None),
            (8, Channel.VISIT, 12, [principal, *reps[:3]]),
        ]
        for days_ago, channel, count, parties in follow_ups:
            if parties is None:  # another teacher comes on their own
                parties = [
                    Party(
                        self.people.new(address_of(self.rng, UNIT_SPECS["JZD2S1C2"]), min_age=35),
                        PRINCIPAL,
                    )
                ]
            plans.append(Plan(
                received_at=self.day(days_ago, 9, 20), channel=channel, person_count=count,
                content="代课教师再次反映：" + content, parties=parties, parent=first, **common,
            ))  # fmt: skip
        return plans
