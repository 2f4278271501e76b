import datetime

import pytest
from rest_framework.test import APIClient

from cases import services
from tests.factories import deliver, register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def received(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)


NOVEMBER_2 = D(2026, 11, 2)


def registered(actor, day=NOVEMBER_2, **overrides):
    """A petition registered on `day`: (petition, its query code)."""
    registration = register_petition(actor, received_at=received(day), **overrides)
    return registration.petition, registration.query_code


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def answered(handler1, city_leader):
    """A petition whose answer was delivered on 2026-11-20: (petition, its query code)."""
    petition, code = registered(handler1)
    services.case_accept(actor=handler1, case=petition.case, on=D(2026, 11, 5))
    deliver(petition.case, handler1, city_leader, on=D(2026, 11, 20))
    return petition, code
