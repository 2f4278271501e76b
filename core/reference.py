"""Reference rows (org units, categories) kept in each process between requests.

A page of 50 petitions names their receiving units and categories. Joining those tables into
the page's query costs more to plan than the query costs to run (about 2.6 of 3 ms for the
petition list), and builds 200 objects per page from rows that change only when an
administrator edits the org tree or the categories.

A `ReferenceTable` keeps, per process, the rows of one such model that its pages have named,
by id; `attach` puts them on a page's objects where `select_related` would have put them, so
that templates and code read `petition.receiving_unit.name` as before, without a query.

With a shared cache (`core.caching.shared`) the table is checked against its stamp once per
request (and on every use outside one, e.g. in a task), and emptied when the stamp has moved:
whoever saves or deletes a row bumps it (`stamp_on_change`). Without a shared cache another
process's edit could not reach this one, so nothing is kept: `attach` reads the rows it
needs in one query, as `prefetch_related` would.

The objects are shared by every request of the process: read them, never change or save
them (a service locks and reads its own rows).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.apps import apps
from django.core.signals import request_finished, request_started
from django.db import models
from django.db.models.signals import post_delete, post_save

from core import caching

_tables: list[ReferenceTable] = []


class ReferenceTable:
    """The rows of `model_label` ("app.Model") this process has needed, by id; each read
    with `related` (its own foreign keys to fill, e.g. a category's parent). `stamp` names
    the version stamp that its model's changes bump."""

    def __init__(self, model_label: str, stamp: str, related: tuple[str, ...] = ()):
        self.model_label = model_label
        self.stamp = stamp
        self.related = related
        self._rows: dict[int, models.Model] = {}
        self._stamp: str | None = None
        self._checked = False
        _tables.append(self)

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def rows(self, ids: Iterable[int | None]) -> dict[int, models.Model]:
        """The rows of these ids (those that exist), by id: from the process's table, the
        ones it lacks read in one query."""
        wanted = {pk for pk in ids if pk is not None}
        if not caching.shared():
            return self._read(wanted)
        self._check()
        missing = wanted - self._rows.keys()
        if missing:
            self._rows.update(self._read(missing))
        return {pk: self._rows[pk] for pk in wanted if pk in self._rows}

    def _read(self, ids: set[int]) -> dict[int, models.Model]:
        if not ids:
            return {}
        return self.model._default_manager.select_related(*self.related).in_bulk(ids)

    def _check(self) -> None:
        """Empty the table if its stamp has moved since it was filled; once per request."""
        if not self._checked:
            _check_tables()

    def _take(self, current: str) -> None:
        if current != self._stamp:
            self._rows = {}
            self._stamp = current
        self._checked = _in_request

    def changed(self, *args: Any, **kwargs: Any) -> None:
        """A row was saved or deleted: every process drops its table (now and at commit)."""
        self._rows = {}
        self._stamp = None
        if caching.shared():
            caching.bump_around_commit(self.stamp)

    def stamp_on_change(self) -> None:
        """Connect the model's saves and deletes to `changed` (from its app's `ready`)."""
        for signal in (post_save, post_delete):
            signal.connect(
                self.changed, sender=self.model, dispatch_uid=f"reference-{self.stamp}-{id(signal)}"
            )


def attach(objects: Iterable[models.Model], table: ReferenceTable, *fields: str) -> None:
    """Fill each object's foreign keys `fields` (to `table`'s model) from `table`, as
    `select_related` would have; a key whose row is not found is left to load lazily."""
    objects = list(objects)
    if not objects:
        return
    keys = [cast(models.ForeignKey, objects[0]._meta.get_field(name)) for name in fields]
    rows = table.rows(getattr(obj, field.attname) for field in keys for obj in objects)
    for field in keys:
        for obj in objects:
            pk = getattr(obj, field.attname)
            if pk is None:
                field.set_cached_value(obj, None)
            elif pk in rows:
                field.set_cached_value(obj, rows[pk])


def _check_tables() -> None:
    """Check every table not yet checked in this request against its stamp, in one round
    trip: a page that names units mostly names categories too."""
    pending = [table for table in _tables if not table._checked]
    if not pending:
        return
    for table, current in zip(
        pending, caching.stamp_values(*(table.stamp for table in pending)), strict=True
    ):
        table._take(current)


def stamps() -> str:
    """The stamps of every reference table (for the key of something built from reference
    data, e.g. a blank filter bar's choices): those checked in this request without a round
    trip, the others checked now."""
    if not caching.shared():
        return ""
    _check_tables()
    return ".".join(str(table._stamp) for table in _tables)


# Whether this thread is serving a request: a table checked during one need not be checked
# again until the next (each request starts and ends by forgetting the checks).
_in_request = False


def _request_started(**kwargs: Any) -> None:
    global _in_request
    _in_request = True
    _forget_checks()


def _request_finished(**kwargs: Any) -> None:
    global _in_request
    _in_request = False
    _forget_checks()


def _forget_checks() -> None:
    for table in _tables:
        table._checked = False


def reset() -> None:
    """Empty every table and forget that a request is being served (tests, with the cache
    they clear)."""
    global _in_request
    _in_request = False
    for table in _tables:
        table._rows = {}
        table._stamp = None
        table._checked = False


request_started.connect(_request_started, dispatch_uid="reference-request-started")
request_finished.connect(_request_finished, dispatch_uid="reference-request-finished")
