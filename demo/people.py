"""Plausible Chinese names, valid resident ID numbers (GB 11643) and phone numbers."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from core.identity import id_check_character

# Common surnames, most frequent first (weights roughly follow their frequency).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤温"
)
SURNAME_WEIGHTS = [max(1.0, 8.0 - i * 0.09) for i in range(len(SURNAMES))]
MALE_CHARS = (
    "伟强磊军洋勇杰涛明超刚平辉鹏华飞建国志文斌波宇浩凯健俊峰德海林东成永兴祥发福顺贵庆"
    "春生宝山荣金利新忠胜龙"
)
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英华慧玲桂兰萍红梅琳燕凤洁莉琴云雪婷颖倩佩珍淑玉翠爱秋月"
# Region codes (first 6 digits) of real counties and districts.
REGION_CODES = (
    "110105", "110108", "120103", "130102", "210102", "220102", "230102", "230103", "310104",
    "320102", "320506", "330102", "330106", "340104", "350102", "360102", "360424", "370102",
    "410105", "420106", "420111", "430104", "430621", "440106", "450103", "500103", "510107",
    "520102", "610113", "620102",
)  # fmt: skip
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "185", "186", "187", "188", "189",
)  # fmt: skip
AREA_CODES = ("0571", "0731", "0791", "027", "025", "0451")


def chinese_name(rng: random.Random, sex: str) -> tuple[str, str]:
    """(surname, given name); given names of one or (mostly) two characters."""
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
    length = 1 if rng.random() < 0.25 else 2
    given = "".join(rng.choice(chars) for _ in range(length))
    if length == 2 and given[0] == given[1] and rng.random() < 0.5:
        given = given[0]
    return surname, given


def staff_name(rng: random.Random) -> tuple[str, str]:
    return chinese_name(rng, rng.choice("MF"))


def make_id_number(region: str, birth: datetime.date, sex: str, serial: int) -> str:
    """A valid 18-character ID number: region, birth date, 3-digit order code (odd for men,
    even for women) and the MOD 11-2 check character."""
    last_digit = serial % 5 * 2 + (1 if sex == "M" else 0)
    order = serial // 5 % 100 * 10 + last_digit
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_character(first17)


@dataclass(frozen=True)
class Person:
    name: str
    sex: str
    id_number: str
    phone: str
    address: str


class PersonFactory:
    """Makes people with unique ID numbers and phones, so that repeat detection (by ID hash,
    then phone hash) finds exactly the repeats the demo intends."""

    def __init__(self, rng: random.Random, today: datetime.date, reserved_ids=()) -> None:
        self.rng = rng
        self.today = today
        self.ids: set[str] = set(reserved_ids)
        self.phones: set[str] = set()

    def id_number(self, sex: str, min_age: int = 20, max_age: int = 86) -> str:
        rng = self.rng
        while True:
            age_days = rng.randint(min_age * 365 + 5, max_age * 365)
            birth = self.today - datetime.timedelta(days=age_days)
            number = make_id_number(rng.choice(REGION_CODES), birth, sex, rng.randrange(500))
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self, landline_share: float = 0.12) -> str:
        rng = self.rng
        while True:
            if rng.random() < landline_share:
                number = (
                    f"{rng.choice(AREA_CODES)}-{rng.randint(2, 8)}{rng.randint(0, 9999999):07d}"
                )
            else:
                number = f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99999999):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def new(
        self,
        address: str,
        *,
        with_id: bool = True,
        with_phone: bool = True,
        sex: str | None = None,
        min_age: int = 20,
        max_age: int = 86,
    ) -> Person:
        sex = sex or self.rng.choice("MF")
        surname, given = chinese_name(self.rng, sex)
        return Person(
            name=surname + given,
            sex=sex,
            id_number=self.id_number(sex, min_age, max_age) if with_id else "",
            phone=self.phone() if with_phone else "",
            address=address,
        )
