import datetime

from tests.factories import register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def received(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)


NOVEMBER_2 = D(2026, 11, 2)


def registered(actor, day=NOVEMBER_2, **overrides):
    """A petition registered on `day`: (petition, its query code)."""
    registration = register_petition(actor, received_at=received(day), **overrides)
    return registration.petition, registration.query_code
