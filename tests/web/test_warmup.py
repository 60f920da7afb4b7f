"""Filling the pages' cache after an import (antt.web.warmup): the served app computes, for each kind of
user, the overview, CompStat's views and every commune page before they are asked for — so a user's
first request after an import reads them instead of computing them — and stops when the data change."""

from __future__ import annotations

import pytest

from antt.domain.access import Action, Actor
from antt.services import data_cache
from antt.services.users import kinds_of_user
from antt.web import warmup
from antt.web.app import create_app
from tests.disclosure_data import HONG_BANG, LE_CHAN, load_city
from tests.web.signed_in import client_as, granted_user


@pytest.fixture
def city(database, settings, tmp_path, monkeypatch):
    """A small city, served as ``antt serve`` serves it: workers sharing one cache folder."""
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv(data_cache.SHARED_ENV, str(folder))
    load_city(database, settings, tmp_path)
    data_cache.clear()
    yield database
    data_cache.clear()


def test_one_kind_per_scope_and_rights_the_city_wide_first(city, settings) -> None:
    granted_user(city, settings, "leader-1", "leader", (), city_wide=True)
    granted_user(city, settings, "leader-2", "leader", (), city_wide=True)  # the same kind as leader-1
    granted_user(city, settings, "officer", "commune_officer", (LE_CHAN,), city_wide=False)
    granted_user(city, settings, "analyst", "analyst", (), city_wide=True)
    kinds = kinds_of_user(city, Action.VIEW_DASHBOARD)
    # a leader and an analyst see the same figures (the same cache keys): one kind; the officer last
    assert [a.units is None for a in kinds] == [True, False]
    assert kinds[-1].units == frozenset({("2025-07", LE_CHAN)})


def test_after_warming_the_pages_compute_nothing(city, settings, monkeypatch) -> None:
    granted_user(city, settings, "warm-leader", "leader", (), city_wide=True)
    done = warmup.warm(city)
    assert done > 100  # targets, movers and views of the city, every commune page, every preset
    import antt.services.compstat as compstat_service
    import antt.services.targets as targets_service
    import antt.web.pages.units as units_page

    def computed(*args, **kwargs):
        raise AssertionError(f"computed again after the warm-up: {args[1:]}")

    app = create_app(settings)
    with client_as(app, city, "leader", subject="warm-leader") as leader:
        monkeypatch.setattr(targets_service, "targets_status", computed)
        monkeypatch.setattr(units_page, "targets_status", computed)
        monkeypatch.setattr(compstat_service, "measures_by_unit_and_group", computed)
        for path in (f"/units/{HONG_BANG}", f"/units/{LE_CHAN}", "/compstat", "/compstat?group=drugs"):
            assert leader.get(path).status_code == 200, path
        monkeypatch.undo()
        # a commune CompStat view was not warmed itself, but reads the scope's warmed measures
        assert leader.get(f"/compstat?unit={HONG_BANG}&period=month:2026-10").status_code == 200


def test_the_warm_up_stops_when_the_data_change(city, settings, tmp_path, monkeypatch) -> None:
    from antt.services.imports import import_incidents
    from tests.incident_files import incident, write_csv

    granted_user(city, settings, "warm-leader", "leader", (), city_wide=True)
    pieces = 0
    original = warmup.partial

    def counting(*args, **kwargs):
        nonlocal pieces
        pieces += 1
        if pieces == 5:  # an import lands while the warm-up runs
            import_incidents(
                city, settings, Actor.system("t"), write_csv(tmp_path / "new.csv", [incident(999)])
            )
        return original(*args, **kwargs)

    monkeypatch.setattr(warmup, "partial", counting)
    assert warmup.warm(city) < 6


def test_a_process_alone_warms_only_what_its_own_cache_keeps(city, settings, monkeypatch) -> None:
    monkeypatch.delenv(data_cache.SHARED_ENV)
    granted_user(city, settings, "warm-leader", "leader", (), city_wide=True)
    assert warmup.warm(city) == data_cache.MAX_ENTRIES // 2  # more would push the first ones out


def test_health_tells_when_the_cache_is_warm_and_one_worker_claims_each_version(city, settings) -> None:
    granted_user(city, settings, "warm-analyst", "analyst", (), city_wide=True)
    app = create_app(settings)
    version = data_cache.data_version(city)
    assert version is not None
    with client_as(app, city, "analyst", subject="warm-analyst") as analyst:
        assert analyst.get("/health").json()["cache_warmed"] is False
        assert warmup._elected(version) is True  # the first worker claims the version
        data_cache._shared_versions.clear()  # another worker's first result of it clears stale files…
        data_cache.cached(city, ("any", "figure"), lambda: 1)
        warmup._claimed.clear()  # …and that worker never saw the claim
        assert warmup._elected(version) is False  # the claim survived: one warm-up per version
        assert warmup.warm(city) > 100
        assert analyst.get("/health").json()["cache_warmed"] is True
