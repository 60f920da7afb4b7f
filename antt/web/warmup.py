"""Filling the pages' cache after each import, before the users ask (issue 18: "a cache shared by the
workers and filled after each import").

A page's figures are kept until the next import (``antt.services.data_cache``), so after an import the
first user to open each page pays for computing it: a commune page's target projections ≈ 50 ms, a
CompStat view ≈ 20 ms; under 20 users the misses, not the hits, made the queue (measured with
``bench/web.py``). When a served process first sees a new data version, one worker (elected by a file in
the shared cache folder) computes in a background thread, for every kind of user there is (the scope and
rights the cache is keyed by): the overview's targets and movers, CompStat's opening view and its views
of the whole scope for every preset period, comparison and group, and every commune's page. It stops as
soon as the data change again; it runs only in served processes (``antt serve``), never in tests or
commands.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import date
from functools import partial

from antt.domain.access import Action
from antt.services.compstat import scope_of
from antt.services.data_cache import MAX_ENTRIES, data_version, marker, on_new_version, shared_folder
from antt.services.database import Database
from antt.services.status import data_freshness
from antt.services.users import kinds_of_user
from antt.web import i18n
from antt.web.pages.compstat import compstat_figures, movers_figures
from antt.web.pages.filters import (
    Filters,
    comparison_choices,
    default_period,
    group_choices,
    period_choices,
    read_filters,
)
from antt.web.pages.overview import scope_targets
from antt.web.pages.units import city_by_commune, commune_targets, commune_view

log = logging.getLogger("antt.warmup")
PAUSE_S = 0.001  # between two pieces: the request threads get the interpreter first


def install(database: Database) -> None:
    """Warm the cache of ``database`` in the background whenever this process sees a new data version."""
    on_new_version(database, _start)


def _start(database: Database, version: object) -> None:
    if not isinstance(version, tuple) or not _elected(version):
        return
    threading.Thread(target=warm, args=(database,), name="antt-warmup", daemon=True).start()


_claimed: set[tuple[str, int, str]] = set()
_claimed_lock = threading.Lock()


def _elected(version: tuple[str, int, str]) -> bool:
    """Whether this process warms ``version``: the first of the workers to claim it in the shared folder
    (a process alone: the first time it sees it)."""
    with _claimed_lock:
        if version in _claimed:
            return False
        _claimed.add(version)
    claim = marker(version, "warming")
    if claim is None:
        return True
    try:  # the claim is a file only the first worker can create (kept as long as the version's results)
        os.close(os.open(claim, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        return False
    return True


def is_warm(database: Database) -> bool | None:
    """Whether the cache of the current data is filled (``None``: no shared folder, nothing to tell)."""
    version = data_version(database)
    done = None if version is None else marker(version, "warmed")
    return None if done is None else done.exists()


def warm(database: Database) -> int:
    """Compute what the pages will ask for on the current data; → how many pieces were computed (stops
    early, without error, when the data change meanwhile)."""
    started = time.perf_counter()
    version = data_version(database)
    if version is None:
        return 0
    i18n.set_language(i18n.DEFAULT_LANGUAGE)  # this thread's own context: the pages' default language
    done = 0
    # a process alone keeps only its own few hundred entries: warm what fits, the first pieces first
    limit = None if shared_folder() is not None else MAX_ENTRIES // 2
    try:
        for piece in _pieces(database):
            if data_version(database) != version or done == limit:
                break
            piece()
            done += 1
            time.sleep(PAUSE_S)
    except Exception:  # a page computes it again when asked, and says what is wrong then
        log.exception("warming the cache stopped")
    else:
        if data_version(database) == version and done != limit and (end := marker(version, "warmed")):
            with suppress(OSError):
                end.touch(mode=0o600)
    log.info("cache warmed: %d pieces in %.1f s", done, time.perf_counter() - started)
    return done


def _pieces(database: Database) -> Iterator[Callable[[], object]]:
    up_to = data_freshness(database).data_up_to
    kinds = kinds_of_user(database, Action.VIEW_DASHBOARD)
    opening = _filters(up_to, None, None, None)
    for actor in kinds:  # the overview and CompStat's opening view, what every user sees first
        yield partial(scope_targets, database, actor)
        yield partial(movers_figures, database, actor, opening)
        yield partial(compstat_figures, database, actor, opening, up_to)
    window = default_period(up_to)
    for actor in kinds:  # the commune pages
        yield partial(city_by_commune, database, actor, window)
        for commune in scope_of(actor, None)[1]:
            yield partial(commune_view, database, actor, commune.code, window)
            yield partial(commune_targets, database, actor, commune.code)
    periods = [key for key, _ in period_choices(up_to, default_period(up_to))]
    for actor in kinds:  # CompStat over the actor's whole scope, for every preset of its filter bar
        for period in periods:
            for compare, _ in comparison_choices():
                for group, _ in group_choices(actor):
                    chosen = _filters(up_to, period, compare, group)
                    yield partial(compstat_figures, database, actor, chosen, up_to)
                    yield partial(movers_figures, database, actor, chosen)


def _filters(up_to: date | None, period: str | None, compare: str | None, group: str | None) -> Filters:
    return read_filters(
        up_to, period=period, from_=None, to=None, compare=compare, group=group, unit=None, measure=None
    )
