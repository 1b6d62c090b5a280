"""Countries crossed as territory: canals and territorial straits count, straits in transit passage,
capes and the open sea do not; the sea alternatives and rail links the built-in network needs."""

from __future__ import annotations

from corridor.network import network_from_frames
from corridor.network.territory import link_territory, node_passages, waypoint_territory


def _crossed(net) -> dict[str, tuple[str, ...]]:
    return dict(zip(net.links["id"], link_territory(net), strict=True))


def test_transit_passage_straits_and_capes_are_nobodys_territory(eurasia):
    crossed = _crossed(eurasia)
    assert crossed["sea_sin_bab"] == ()  # Malacca to Bab-el-Mandeb: open sea between two transit straits
    assert crossed["sea_sha_sin"] == ("CN",)  # Shanghai's port is China's; the Singapore Strait is nobody's
    assert crossed["sea_sin_cape"] == ()
    assert crossed["sea_suez_gibraltar"] == ("EG",)  # the Suez Canal is Egypt's
    assert crossed["bs_cpc_bosphorus"] == ("RU", "TR")  # the Bosphorus is Turkey's (Montreux)
    assert crossed["tr_marmara"] == ("TR",)
    # land links keep every country they list
    assert crossed["eu_piraeus_budapest"] == ("GR", "MK", "RS", "HU")


def test_waypoints_in_territory_only_where_a_canal_or_territorial_strait_holds_them(eurasia):
    territory = waypoint_territory(eurasia)
    assert territory["suez_canal"] == {"EG"}
    assert territory["bosphorus"] == territory["dardanelles"] == {"TR"}
    for nobody in ("singapore", "bab_el_mandeb", "gibraltar", "cape_good_hope", "sunda", "lombok"):
        assert territory[nobody] == frozenset(), nobody
    cn = eurasia.compiled
    assert not cn.node_in_territory[cn.node_index["bab_el_mandeb"]]
    assert cn.node_in_territory[cn.node_index["suez_canal"]]


def test_every_strait_and_canal_group_states_its_regime_with_a_source(eurasia):
    groups = eurasia.groups
    passages = groups[groups["kind"].isin(["strait", "canal"])]
    assert set(passages["id"]) >= {"malacca_strait", "sunda_strait", "lombok_strait", "bab_el_mandeb_strait",
                                   "suez_canal_passage", "gibraltar_strait", "turkish_straits"}  # fmt: skip
    assert (passages["territory_source"] != "").all()
    assert node_passages(eurasia)["sunda"] == "sunda_strait"


def test_a_network_without_passage_groups_counts_no_waypoint_as_territory(eurasia):
    groups = eurasia.groups.assign(kind="asset", territory=[()] * len(eurasia.groups), territory_source="")
    plain = network_from_frames(name="plain", **{**eurasia.tables(), "groups": groups})
    crossed = _crossed(plain)
    assert crossed["sea_suez_gibraltar"] == ()  # no group says the canal is Egypt's
    assert crossed["bs_cpc_bosphorus"] == ("RU",)


def test_sea_alternatives_to_malacca_are_sourced_and_longer(eurasia):
    links = eurasia.links.set_index("id")
    via_singapore = links.loc["sea_sha_sin", "length_km"] + links.loc["sea_sin_bab", "length_km"]
    for strait in ("sunda", "lombok"):
        around = links.loc[f"sea_sha_{strait}", "length_km"] + links.loc[f"sea_{strait}_bab", "length_km"]
        assert via_singapore < around < via_singapore * 1.25, strait
        for leg in (f"sea_sha_{strait}", f"sea_lyg_{strait}", f"sea_{strait}_bab", f"sea_{strait}_cape"):
            assert links.loc[leg, "length_source"] == "S1"
    sources = set(eurasia.sources["id"])
    assert {"G1", "G2", "G3", "G4", "G5", "G6"} <= sources
