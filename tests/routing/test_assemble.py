"""A route's countries are territory and its straits are listed apart (on the built-in network)."""

from __future__ import annotations

from corridor import shortest_route


def test_closing_singapore_sends_ships_through_the_indonesian_straits(eurasia):
    r = shortest_route(eurasia, "Shanghai", "Rotterdam", avoid=["singapore", "rail"])
    assert set(r.modes) == {"sea"}
    assert r.straits[0] in {"sunda_strait", "lombok_strait"}
    assert "singapore" not in r.nodes
    usual = shortest_route(eurasia, "Shanghai", "Rotterdam", avoid=["rail"])
    assert 0 < r.time_days - usual.time_days < 5  # days added, not cargo stranded


def test_via_suez_the_countries_are_china_egypt_and_the_netherlands(eurasia):
    r = shortest_route(eurasia, "Shanghai", "Rotterdam", avoid=["rail"])
    assert r.countries == ("CN", "EG", "NL")
    assert r.straits == ("malacca_strait", "bab_el_mandeb_strait", "suez_canal_passage", "gibraltar_strait")
    assert r.to_dict()["straits"] == list(r.straits)


def test_round_the_cape_the_countries_are_china_and_the_netherlands(eurasia):
    r = shortest_route(eurasia, "Shanghai", "Rotterdam", avoid=["rail", "suez_canal"])
    assert "cape_good_hope" in r.nodes
    assert r.countries == ("CN", "NL")


def test_the_turkish_straits_are_turkish_territory(eurasia):
    r = shortest_route(eurasia, "Tengiz", "Augusta", commodity="crude_oil")
    assert "turkish_straits" in r.straits
    assert "TR" in r.countries
