"""Fixtures of the case tests."""

import datetime
import zoneinfo

import pytest
import time_machine

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock_at():
    """Travel to a day (10:00 in Shanghai), the clock standing still there."""
    travellers = []

    def travel(day: datetime.date) -> None:
        while travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(
            datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False
        )
        traveller.start()
        travellers.append(traveller)

    yield travel
    while travellers:
        travellers.pop().stop()
