"""Reference data: the loader (validation, idempotent writes) and unit search."""
import copy
import json
import os
import shutil

import pytest

from chalicelib.reference import checks, loader
from chalicelib.text import fold
from tests.conftest import DEMO_DIR


def copy_demo(tmp_path, change=None):
    """The demo files in tmp_path, after `change(docs)` edits them."""
    target = tmp_path / "data"
    shutil.copytree(DEMO_DIR, target)
    if change:
        docs = {name: json.loads((target / f"{name}.json").read_text(encoding="utf-8"))
                for name in ("organisation", "programs", "targets", "users")}
        change(docs)
        for name, doc in docs.items():
            (target / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(target)


def test_the_demo_data_matches_the_brief():
    docs = loader.read_directory(DEMO_DIR)
    units = {u["id"]: u for u in docs["organisation"]["units"]}
    top = [u for u in units.values() if u["kind"] in ("provincial_federation", "central_sector_union",
                                                       "corporation_union")]
    assert len(top) == 83
    assert sum(1 for u in units.values() if u.get("parent_id") == "cd-vien-chuc-thanh-hoa") == 54
    assert units["cdcs-rang-dong"]["parent_id"] == "cd-cong-thuong"  # a grassroots union straight under a top-level unit
    hanoi = {t["phase_id"]: t for t in docs["targets"]["targets"]
             if t["unit_id"] == "ldld-ha-noi" and t["program_id"] == "mot-trieu-sang-kien"}
    assert hanoi["mtsk-gd1"]["by_block"] == {"enterprise": 40000, "administrative": 12000}
    assert hanoi["mtsk-gd2"]["by_block"] == {"enterprise": 60000, "administrative": 18000}
    program = next(p for p in docs["programs"]["programs"] if p["id"] == "mot-trieu-sang-kien")
    assert [(p["starts_on"], p["ends_on"], p["target"]) for p in program["phases"]] == [
        ("2021-12-15", "2022-05-31", 300000), ("2022-06-01", "2023-09-30", 700000)]
    assert len(program["subject_groups"]) == 5


def test_loading_the_same_files_twice_writes_nothing_the_second_time(aws):
    # The session fixture loaded the demo data once already.
    report = loader.load(loader.read_directory(DEMO_DIR))
    assert sum(report.written.values()) == 0 and sum(report.deleted.values()) == 0
    assert report.unchanged["unit"] == 603


def test_an_update_writes_only_what_changed_and_drops_stale_search_words(aws, tmp_path):
    def rename(docs):
        unit = next(u for u in docs["organisation"]["units"] if u["id"] == "cdcs-gang-thep-thai-nguyen")
        unit["name"] = "Công đoàn Công ty CP Gang thép Thái Nguyên (TISCO)"
    try:
        report = loader.load(loader.read_directory(copy_demo(tmp_path, rename)))
        assert report.written["unit"] == 1 and report.written["program"] == 0
        from chalicelib.reference import catalog
        catalog.clear_cache()
        assert [u["id"] for u in catalog.search_units("tisco")] == ["cdcs-gang-thep-thai-nguyen"]
    finally:
        loader.load(loader.read_directory(DEMO_DIR))


def test_an_invalid_set_of_files_is_refused_whole_naming_each_place(aws, tmp_path):
    def break_things(docs):
        docs["organisation"]["units"][5]["parent_id"] = "khong-ton-tai"
        docs["organisation"]["units"][7]["kind"] = "city"
        docs["targets"]["targets"][0]["total"] += 1
        docs["users"]["users"][0]["roles"] = ["superuser"]
        docs["programs"]["programs"][0]["phases"][0]["target"] = "nhiều"
    with pytest.raises(loader.LoadError) as refused:
        loader.read_directory(copy_demo(tmp_path, break_things))
    places = {(file, pointer) for file, pointer, _ in refused.value.places}
    assert ("organisation.json", "/units/7/kind") in places
    assert ("users.json", "/users/0/roles/0") in places
    assert ("programs.json", "/programs/0/phases/0/target") in places
    # Schema errors first; the cross-file rules run once the files have the right shape.
    with pytest.raises(loader.LoadError) as refused:
        loader.read_directory(copy_demo(tmp_path / "again", lambda d: (
            d["organisation"]["units"][5].update(parent_id="khong-ton-tai"),
            next(t for t in d["targets"]["targets"] if t.get("by_block")).update(total=1))))
    messages = {(file, pointer): message for file, pointer, message in refused.value.places}
    assert messages[("organisation.json", "/units/5/parent_id")] == "unknown parent unit 'khong-ton-tai'"
    split_problem = [k for k in messages if k[0] == "targets.json"]
    assert split_problem and "add up to" in messages[split_problem[0]]


def test_the_script_refuses_bad_files_and_writes_nothing(aws, tmp_path, capsys):
    from scripts import load_reference

    directory = copy_demo(tmp_path, lambda d: d["organisation"]["units"].append(
        {"id": "cdcs-moi", "name": "Công đoàn mới", "kind": "grassroots", "parent_id": "tld", "block": "enterprise"}))
    assert load_reference.main([directory]) == 1
    assert "organisation.json#/units/603/parent_id" in capsys.readouterr().err
    from tests.helpers import table_items
    assert not [i for i in table_items("reference") if i["pk"]["S"] == "UNIT#cdcs-moi"]


def test_tree_rules():
    organisation = {"units": [
        {"id": "tld", "name": "Tổng", "kind": "national"},
        {"id": "top", "name": "Tỉnh", "kind": "provincial_federation", "parent_id": "tld"},
        {"id": "up", "name": "Huyện", "kind": "upper_grassroots", "parent_id": "top"},
        {"id": "up2", "name": "Lồng nhau", "kind": "upper_grassroots", "parent_id": "up"},
        {"id": "g1", "name": "Cơ sở", "kind": "grassroots", "parent_id": "up", "block": "enterprise"},
        {"id": "g2", "name": "Cơ sở", "kind": "grassroots", "parent_id": "up", "block": "enterprise"},
        {"id": "g3", "name": "Dưới cơ sở", "kind": "grassroots", "parent_id": "g1", "block": "enterprise"},
    ]}
    places = checks.check(organisation, {"programs": []}, None, None)
    assert {pointer for _, pointer, _ in places} == {"/units/3/parent_id", "/units/4/name", "/units/5/name",
                                                     "/units/6/parent_id"}
    assert checks.paths(organisation)["g1"] == ("tld", "top", "up", "g1")


# ------------------------------------------------------------ search

@pytest.mark.parametrize("query, expected", [
    ("rang dong", "cdcs-rang-dong"),
    ("Rạng Đông", "cdcs-rang-dong"),
    ("RẠNG ĐÔNG", "cdcs-rang-dong"),
    ("bong den phich nuoc", "cdcs-rang-dong"),
    ("thanh hoa", "ldld-thanh-hoa"),
    ("vien chuc thanh hoa", "cd-vien-chuc-thanh-hoa"),
])
def test_unit_search_ignores_case_and_diacritics(api, query, expected):
    status, answer = api.json("GET", f"/units?q={query}", user="worker-rang-dong")
    assert status == 200
    assert expected in [u["id"] for u in answer["items"]]


def test_unit_search_returns_names_and_ancestors_top_level_first(api):
    _, answer = api.json("GET", "/units?q=thanh%20hoa", user="worker-rang-dong")
    first = answer["items"][0]
    assert first == {"id": "ldld-thanh-hoa", "name": "Liên đoàn Lao động tỉnh Thanh Hóa",
                     "kind": "provincial_federation", "ancestors": []}
    _, answer = api.json("GET", "/units?q=so%20y%20te%20thanh%20hoa&kind=grassroots", user="worker-rang-dong")
    unit = next(u for u in answer["items"] if u["id"] == "cdcs-so-y-te-thanh-hoa")
    assert unit["ancestors"] == ["Liên đoàn Lao động tỉnh Thanh Hóa", "Công đoàn Viên chức tỉnh Thanh Hóa"]
    assert all(u["kind"] == "grassroots" for u in answer["items"])


def test_unit_search_takes_an_unfinished_last_word(api):
    # "Phan Rang … Đô…" also has both words, but not together as typed: it comes second.
    _, answer = api.json("GET", "/units?q=rang%20do&kind=grassroots", user="worker-rang-dong")
    assert answer["items"][0]["id"] == "cdcs-rang-dong"
    _, answer = api.json("GET", "/units?q=khong%20co%20don%20vi%20nao", user="worker-rang-dong")
    assert answer["items"] == []


def test_unit_search_input_errors(api):
    status, answer = api.json("GET", "/units", user="worker-rang-dong")
    assert status == 400 and answer["errors"][0]["path"] == "/q"
    status, answer = api.json("GET", "/units?q=a%20b", user="worker-rang-dong")
    assert status == 400 and answer["errors"][0]["code"] == "query_too_short"


def test_fold():
    assert fold("Công ty CP Bóng đèn Phích nước Rạng Đông") == "cong ty cp bong den phich nuoc rang dong"
    assert fold("Thanh Hóa") == fold("THANH HOÁ") == "thanh hoa"


def test_current_program_for_forms(api):
    status, program = api.json("GET", "/programs/current", user="worker-rang-dong")
    assert status == 200
    assert program["id"] == "sang-kien-2026-2027" and program["current_phase"] == "sk2627-gd1"
    assert len(program["subject_groups"]) == 5
    assert all(set(g["name"]) == {"vi", "en"} for g in program["subject_groups"] + program["fields"])


def test_the_reference_cache_is_bounded(aws, monkeypatch):
    from chalicelib.reference import catalog

    # GIVEN a small bound WHEN more unknown unit ids are looked up than it holds
    monkeypatch.setattr(catalog, "CACHE_ENTRIES", 5)
    catalog.clear_cache()
    for n in range(12):
        assert catalog.unit(f"khong-co-{n}") is None
    # THEN the cache keeps only the most recent ones, and real units still load
    assert len(catalog._cache) == 5
    assert catalog.unit("cdcs-rang-dong").name.endswith("Rạng Đông")
    catalog.clear_cache()
