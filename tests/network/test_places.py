"""What users type resolves to the right node, in English, Russian or by alias."""

from __future__ import annotations

import pytest

from corridor import RequestError, UnknownNodeError
from corridor.network import build_name_index, fold


@pytest.mark.parametrize(
    ("typed", "node"),
    [
        ("Aktau", "aktau_port"),
        ("Актау", "aktau_port"),
        ("aktau_port", "aktau_port"),
        ("AKTAU PORT", "aktau_port"),
        ("Małaszewicze", "malaszewicze"),
        ("Malaszewicze", "malaszewicze"),
        ("Xi'an", "xian_port"),
        ("Xian", "xian_port"),
        ("Сиань", "xian_port"),
        ("Chongqing", "chongqing"),
        ("Urumqi", "urumqi"),
        ("Ürümqi", "urumqi"),
        ("Lianyungang", "lianyungang_port"),
        ("Shanghai", "shanghai_port"),
        ("Duisburg", "duisburg"),
        ("Hamburg", "hamburg_port"),
        ("Rotterdam", "rotterdam_port"),
        ("Constanța", "constanta_port"),
        ("Constanta", "constanta_port"),
        ("Istanbul", "istanbul"),
        ("Новороссийск", "novorossiysk_port"),
        ("Baku port", "baku_alat_port"),
        ("Тенгиз", "tengiz"),
    ],
)
def test_names_resolve(eurasia, typed, node):
    assert eurasia.resolve_node(typed) == node


def test_unknown_node_suggests_the_closest_name(eurasia):
    with pytest.raises(UnknownNodeError) as info:
        eurasia.resolve_node("Atkau")
    assert str(info.value) == "unknown node 'Atkau'; did you mean 'Aktau port' (aktau_port)?"
    assert info.value.suggestions[0] == ("Aktau port", "aktau_port")


def test_unknown_node_without_anything_close(eurasia):
    with pytest.raises(UnknownNodeError, match="run 'corridor network show' to list the nodes"):
        eurasia.resolve_node("Qwzxjk")


def test_unknown_node_is_a_key_error(eurasia):
    with pytest.raises(KeyError):
        eurasia.resolve_node("Atlantis")


def test_edit_distance_counts_a_swap_once():
    from corridor.network.places import _edit_distance

    assert _edit_distance("atkau", "aktau") == 1
    assert _edit_distance("atkau", "atasu") == 2
    assert _edit_distance("", "abc") == 3
    assert _edit_distance("kitten", "sitting") == 3


def test_fold():
    assert fold("  Małaszewicze ") == "malaszewicze"
    assert fold("Xi'an") == "xi an"
    assert fold("aktau_port") == "aktau port"
    assert fold("Ёлки") == "елки"


def test_ambiguous_name(tiny):
    nodes = tiny.nodes.copy()
    nodes.loc[1, "aliases"] = ("Twin",)
    nodes.loc[2, "aliases"] = ("Twin",)
    index = build_name_index(nodes, tiny.groups)
    with pytest.raises(RequestError, match="'Twin' is ambiguous; it could be 'Alpha' \\(a\\), 'Bravo port' \\(b\\)"):
        index.resolve("Twin")


def test_ids_beat_aliases(tiny):
    nodes = tiny.nodes.copy()
    nodes.loc[1, "aliases"] = ("b",)  # node a claims 'b' as an alias; the id of node b wins
    assert build_name_index(nodes, tiny.groups).resolve("b") == ("node", "b")
