"""The bodies `manage.py bench` posts to the intake API: each with a fresh ID number, so that
every registration opens a new case. Made in the load generator's process (which has no
Django set up): standard library and `core.identity` only."""

from __future__ import annotations

import datetime
import itertools
import json
from collections.abc import Iterator

from core.identity import id_check_character


def id_numbers(start: int = 0) -> Iterator[str]:
    """Valid resident ID numbers (district 110105), a different one each time."""
    for serial in itertools.count(start):
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=serial % 20000)
        first17 = f"110105{birth:%Y%m%d}{serial // 20000 % 1000:03d}"
        yield first17 + id_check_character(first17)


class IntakeBodies:
    """A callable making the next intake body: a visit about unpaid wages located in
    `location` (a unit code), by one petitioner with a fresh ID number."""

    def __init__(self, location: str, start: int = 0):
        self.location = location
        self.start = start
        self._ids: Iterator[str] | None = None

    def __call__(self) -> bytes:
        if self._ids is None:  # made where it is called: a generator does not pickle
            self._ids = id_numbers(self.start)
        body = {
            "channel": "visit",
            "received_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "location_unit": self.location,
            "category": "0301",
            "person_count": 1,
            "summary": "反映拖欠工资问题",
            "petitioners": [{"name": "张三", "id_number": next(self._ids), "phone": "13812345678"}],
        }
        return json.dumps(body, ensure_ascii=False).encode()
