"""Shared test setup. Tests that need PostgreSQL, Redis or Chromium skip with a reason,
unless REQUIRE_SERVICES=1 (as in CI), where a missing service fails the run instead."""

import datetime
import os
import shutil
import zoneinfo
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def skip_or_fail(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def pytest_configure(config):
    """Under faketime (`make test-future`), EXPECTED_TODAY is the date the clock must show:
    refuse to run on the real date if the shift did not take, in this process or in an xdist
    worker (each runs this)."""
    expected = os.environ.get("EXPECTED_TODAY")
    if expected:
        today = datetime.date.today()
        if abs((today - datetime.date.fromisoformat(expected)).days) > 1:
            raise pytest.UsageError(
                f"EXPECTED_TODAY={expected} but this process's clock says {today}: "
                "faketime (LD_PRELOAD libfaketime) is not in effect"
            )


def pytest_report_header(config):
    return f"today: {datetime.date.today().isoformat()} (the clock the tests start from)"


def pytest_collection_modifyitems(items):
    """Refuse `serialized_rollback`. The transactional tests here (live server, races, threads)
    flush the database when they end, and the flush re-runs post_migrate, which recreates the
    content types and permissions under new ids. A serialized-rollback test that runs after one
    of them (on the same xdist worker, in any order) restores its snapshot of the migrated
    database over those rows and fails at setup on django_content_type's unique (app_label,
    model). The suite's way instead: `transaction=True` alone, and the `org` fixture puts back
    the data migrations' rows (`ensure_reference_data`)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (marker and marker.kwargs.get("serialized_rollback")) or (
            "django_db_serialized_rollback" in getattr(item, "fixturenames", ())
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: serialized_rollback breaks the transactional tests that run "
                "after other ones (see pytest_collection_modifyitems in tests/conftest.py)"
            )


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANGUAGE_CODE = "zh-hans"
    # The API's login throttle counts in the cache: each test starts from none.
    from django.core.cache import cache

    cache.clear()


# "Now" for tests that check literal dates: the service refuses a receipt date in the future
# or more than a year ago, so such tests pin the clock rather than depend on the calendar.
FROZEN_NOW = datetime.datetime(2026, 11, 22, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def frozen_now(request, time_machine):
    """Stop the clock at FROZEN_NOW (time-machine, not ticking): timezone.now() and
    localdate(), datetime.now(), date.today() and time.time() all read it, in every thread of
    the process. A test moves it with `time_machine.move_to(moment)` or `.shift(delta)`.

    Not for browser tests: the live server would stamp its cookies with the frozen time.time()
    while Chromium reads the real clock, so sessions would expire on their way to it. Those
    tests take their dates from the real today."""
    if "live_server" in request.fixturenames:
        pytest.fail("frozen_now: a browser test takes its dates from the real today")
    time_machine.move_to(FROZEN_NOW, tick=False)
    return FROZEN_NOW


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        skip_or_fail("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        skip_or_fail("this test needs Redis (set REDIS_URL=redis://...)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def shared_cache(settings):
    """As with Redis: one cache every process shares (`core.caching.shared`), here the test's
    own locmem, empty before and after."""
    from django.core.cache import cache

    from core import reference

    settings.SHARED_CACHE = True
    cache.clear()
    reference.reset()
    yield
    cache.clear()
    reference.reset()


@pytest.fixture
def redis_broker(redis_url, monkeypatch, worker_id):
    """A Redis database of this test's own as a Celery broker, empty before and after: its
    queue is not the shared one, nor that of the other xdist process's worker test. Celery
    reads CELERY_BROKER_URL from the environment before any configuration (CI exports it), so
    it goes for the test: else an app configured here would still publish to the shared queue."""
    import redis

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    number = 14 if worker_id == "master" else 10 + int(worker_id.removeprefix("gw"))
    url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{number}"))
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


@pytest.fixture(scope="session")
def chromium_path():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


# --- the standing org tree and users ---------------------------------------------------------
#
#   PR    示范省 (government, PROVINCE)
#   ├── PRXFJ  示范省信访局 (petition office)
#   ├── CT     江城市 (government, CITY)
#   │   ├── CTXFJ  江城市信访局 (petition office)      ← reception1
#   │   ├── CTJY   江城市教育局 (business)
#   │   ├── D1     东湖区 (government, DISTRICT)
#   │   │   ├── D1XFJ   东湖区信访局 (petition office)  ← handler1, colleague1
#   │   │   ├── D1JY    东湖区教育局 (business)
#   │   │   └── D1S1    东湖街道 (government, TOWNSHIP)
#   │   │       └── D1S1C1  东湖社区 (other, VILLAGE)
#   │   └── D2     西山区 … the same shape: D2XFJ (← handler2), D2JY, D2S1, D2S1C1
#   └── CY     云城市 (government, CITY)
#       └── CYXFJ  云城市信访局 (petition office)      ← outsider


def _unit(code, name, parent, level, kind):
    from accounts.models import OrgUnit

    return OrgUnit.objects.create(code=code, name=name, parent=parent, level=level, kind=kind)


def _district(prefix, name, street, city):
    from accounts.models import OrgKind, OrgLevel

    district = _unit(prefix, name, city, OrgLevel.DISTRICT, OrgKind.GOVERNMENT)
    office = _unit(
        f"{prefix}XFJ", f"{name}信访局", district, OrgLevel.DISTRICT, OrgKind.PETITION_OFFICE
    )
    business = _unit(f"{prefix}JY", f"{name}教育局", district, OrgLevel.DISTRICT, OrgKind.BUSINESS)
    street_unit = _unit(
        f"{prefix}S1", f"{street}街道", district, OrgLevel.TOWNSHIP, OrgKind.GOVERNMENT
    )
    community = _unit(
        f"{prefix}S1C1", f"{street}社区", street_unit, OrgLevel.VILLAGE, OrgKind.OTHER
    )
    return district, office, business, street_unit, community


def ensure_reference_data():
    """Make sure the rows of the data migrations exist (role groups, categories, national
    deadline rules). A transactional test (live server, threads) flushes the database when it
    ends, which removes them for the tests after it; this puts them back (2-3 queries when
    they are there)."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    from cases.models import DeadlineRule
    from petitions.models import Category

    seeds = [
        (Group.objects.filter(name="reception"), "accounts.migrations.0002_roles", "create_roles"),
        (
            Group.objects.filter(name="auditor"),
            "accounts.migrations.0005_officer_roles",
            "create_roles",
        ),
        (
            Category.objects.filter(code="0301"),
            "petitions.migrations.0002_standard_categories",
            "create_categories",
        ),
        (
            DeadlineRule.objects.filter(kind="acceptance", jurisdiction=None),
            "cases.migrations.0002_national_deadline_rules",
            "create_rules",
        ),
        (
            DeadlineRule.objects.filter(kind="objection_window", jurisdiction=None),
            "cases.migrations.0004_window_rules",
            "create_rules",
        ),
        (
            DeadlineRule.objects.filter(kind="suggestion_answer", jurisdiction=None),
            "cases.migrations.0020_suggestion_track",
            "create_rules",
        ),
    ]
    recreated = False
    for present, module, function in seeds:
        if not present.exists():
            getattr(import_module(module), function)(apps, None)
            recreated = True
    if recreated:
        # The roles' permissions are granted after migrate (post_migrate): again, now that
        # the groups are back.
        from accounts.signals import grant_admin_role_permissions, grant_security_role_permissions
        from audit.signals import grant_auditor_permissions

        grant_admin_role_permissions(app_config=None)
        grant_security_role_permissions(app_config=None)
        grant_auditor_permissions()


ORG_NAMES = (
    "province",
    "province_office",
    "city",
    "city_office",
    "city_business",
    "d1",
    "d1_office",
    "d1_business",
    "d1_street",
    "d1_community",
    "d2",
    "d2_office",
    "d2_business",
    "d2_street",
    "d2_community",
    "other_city",
    "other_city_office",
)
ORG_CODES = (
    "PR",
    "PRXFJ",
    "CT",
    "CTXFJ",
    "CTJY",
    *(f"{district}{unit}" for district in ("D1", "D2") for unit in ("", "XFJ", "JY", "S1", "S1C1")),
    "CY",
    "CYXFJ",
)


def build_org_tree() -> list:
    """Create the standing org tree drawn above: its units in the order of `ORG_NAMES`."""
    from accounts.models import OrgKind, OrgLevel

    province = _unit("PR", "示范省", None, OrgLevel.PROVINCE, OrgKind.GOVERNMENT)
    province_office = _unit(
        "PRXFJ", "示范省信访局", province, OrgLevel.PROVINCE, OrgKind.PETITION_OFFICE
    )
    city = _unit("CT", "江城市", province, OrgLevel.CITY, OrgKind.GOVERNMENT)
    city_office = _unit("CTXFJ", "江城市信访局", city, OrgLevel.CITY, OrgKind.PETITION_OFFICE)
    city_business = _unit("CTJY", "江城市教育局", city, OrgLevel.CITY, OrgKind.BUSINESS)
    d1 = _district("D1", "东湖区", "东湖", city)
    d2 = _district("D2", "西山区", "西山", city)
    other_city = _unit("CY", "云城市", province, OrgLevel.CITY, OrgKind.GOVERNMENT)
    other_city_office = _unit(
        "CYXFJ", "云城市信访局", other_city, OrgLevel.CITY, OrgKind.PETITION_OFFICE
    )
    return [
        *(province, province_office, city, city_office, city_business),
        *d1,
        *d2,
        *(other_city, other_city_office),
    ]


def standing_org_tree() -> list:
    """The org tree `django_db_setup` built once for the worker's database (each test's
    changes to it roll back with the test), read in one query; built again inside the test
    when a transactional test's flush took it away."""
    from accounts.models import OrgUnit

    found = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=ORG_CODES)}
    if len(found) < len(ORG_CODES):
        return build_org_tree()
    return [found[code] for code in ORG_CODES]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the standing org tree in it (most tests stand on it: built
    once rather than seventeen inserts a test)."""
    with django_db_blocker.unblock():
        standing_org_tree()


@pytest.fixture
def org(db):
    """The standing org tree drawn above, as a namespace of OrgUnits:

    province, province_office, city, city_office, city_business,
    d1, d1_office, d1_business, d1_street, d1_community (and the same for d2),
    other_city, other_city_office; plus `by_code` (code -> unit)."""
    from types import SimpleNamespace

    ensure_reference_data()
    units = SimpleNamespace(**dict(zip(ORG_NAMES, standing_org_tree(), strict=True)))
    units.by_code = {unit.code: unit for unit in vars(units).values()}
    return units


def _user(username, unit, *roles, **extra):
    from tests.factories import UserFactory

    return UserFactory(username=username, org_unit=unit, roles=list(roles), **extra)


@pytest.fixture
def reception1(org):
    """Reception clerk at the city petition office CTXFJ (registers for CTXFJ only)."""
    return _user("reception1", org.city_office, "reception", last_name="李", first_name="接待")


@pytest.fixture
def province_reception(org):
    """Reception clerk at the province petition office PRXFJ."""
    return _user("province_reception", org.province_office, "reception")


@pytest.fixture
def handler1(org):
    """Handler at the district-1 petition office D1XFJ (the 'owner' in permission tests)."""
    return _user("handler1", org.d1_office, "handler", last_name="王", first_name="承办")


@pytest.fixture
def colleague1(org):
    """A second handler at D1XFJ, handler1's colleague."""
    return _user("colleague1", org.d1_office, "handler")


@pytest.fixture
def handler2(org):
    """Handler at the district-2 petition office D2XFJ; sees nothing of district 1."""
    return _user("handler2", org.d2_office, "handler", last_name="赵", first_name="承办")


@pytest.fixture
def city_leader(org):
    """Leader at the city government CT (sees the whole city subtree)."""
    return _user("city_leader", org.city, "leader")


@pytest.fixture
def d2_leader(org):
    """Leader at the district-2 government D2 (sees the whole district-2 subtree)."""
    return _user("d2_leader", org.d2, "leader")


@pytest.fixture
def street_handler(org):
    """Handler at the district-1 street office D1S1 (receives assignments from D1XFJ)."""
    return _user("street_handler", org.d1_street, "handler", last_name="孙", first_name="街道")


@pytest.fixture
def d1_handler(org):
    """Handler at the district-1 government D1: reviews answers of units below it."""
    return _user("d1_handler", org.d1, "handler", last_name="钱", first_name="复查")


@pytest.fixture
def city_handler(org):
    """Handler at the city petition office CTXFJ (acts for the city government CT)."""
    return _user("city_handler", org.city_office, "handler", last_name="周", first_name="复核")


@pytest.fixture
def city_supervisor(org):
    """Supervisor at the city government CT (sees the whole city, decides nothing)."""
    return _user("city_supervisor", org.city, "supervisor")


@pytest.fixture
def outsider(org):
    """Reception clerk and handler in another city (CYXFJ): sees nothing of 江城市."""
    return _user("outsider", org.other_city_office, "reception", "handler")


# --- escalation: the district-1 offices of a five-party joint supervision --------------------


@pytest.fixture
def party_units(org):
    """D1's petition office (D1XFJ), business department (D1JY), and new stability (D1ZZ),
    judicial (D1SF) and discipline (D1JW) offices."""
    from accounts.models import OrgKind, OrgLevel

    return SimpleNamespace(
        tracking=org.d1_office,
        business=org.d1_business,
        stability=_unit("D1ZZ", "东湖区综治中心", org.d1, OrgLevel.DISTRICT, OrgKind.STABILITY),
        judicial=_unit("D1SF", "东湖区司法局", org.d1, OrgLevel.DISTRICT, OrgKind.JUDICIAL),
        discipline=_unit("D1JW", "东湖区纪委监委", org.d1, OrgLevel.DISTRICT, OrgKind.DISCIPLINE),
    )


@pytest.fixture
def party_users(party_units, handler1):
    """One handler per party unit (handler1 for the petition office)."""
    return SimpleNamespace(
        tracking=handler1,
        business=_user("d1_business", party_units.business, "handler", last_name="吴"),
        stability=_user("d1_stability", party_units.stability, "handler", last_name="郑"),
        judicial=_user("d1_judicial", party_units.judicial, "handler", last_name="冯"),
        discipline=_user("d1_discipline", party_units.discipline, "handler", last_name="陈"),
    )


@pytest.fixture
def d1_supervisor(org):
    """Supervisor at the district-1 government D1 (the joint-conference office's staff)."""
    return _user("d1_supervisor", org.d1, "supervisor", last_name="何", first_name="督查")


@pytest.fixture
def sms(settings):
    """Texts go to `FakeSmsBackend`, whose record (`.sent`: (to, text)) starts empty."""
    from tests.notifications.conftest import FakeSmsBackend, _reset

    settings.SMS_BACKEND = "tests.notifications.conftest.FakeSmsBackend"
    _reset()
    yield FakeSmsBackend
    _reset()
