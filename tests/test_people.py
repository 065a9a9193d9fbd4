"""pipeline.people: one person across articles, on hand-made appearances."""
from __future__ import annotations

import itertools
import json

import pytest

from pipeline.people import (
    CENTRAL,
    anchor_of,
    person_id,
    person_key,
    person_row,
    resolve,
)

_ids = itertools.count(1)


def appearance(name, titles, province, date, article_id=None):
    number = next(_ids)
    return {
        "id": number,
        "article_id": article_id or f"a{number}",
        "name": name,
        "titles": json.dumps(titles, ensure_ascii=False),
        "date": date,
        "province": province,
    }


def groups(people):
    """{person id: sorted article ids}"""
    return {p.id: sorted(a["article_id"] for a in p.appearances) for p in people}


def test_same_name_compatible_evidence_is_one_person():
    rows = [
        appearance("Trần Thanh Lâm", ["Phó Bí thư Thường trực Tỉnh ủy"], "Bến Tre", "2023-05-02", "a"),
        appearance("Trần Thanh Lâm", ["Phó Bí thư Tỉnh ủy"], "Bến Tre", "2024-02-10", "b"),
        appearance("Trần Thanh Lâm", [], "Bến Tre", "2024-06-01", "c"),  # no title: weak
    ]
    people = resolve(rows)
    assert groups(people) == {"tran-thanh-lam--ben-tre": ["a", "b", "c"]}


def test_title_change_over_time_keeps_one_person():
    rows = [
        appearance("Trần Thanh Lâm", ["Phó Bí thư Tỉnh ủy"], "Bến Tre", "2023-03-01", "old"),
        appearance("Trần Thanh Lâm", ["Bí thư Tỉnh ủy Bến Tre"], "Bến Tre", "2025-03-12", "new"),
    ]
    [person] = resolve(rows)
    row = person_row(person)
    assert row["latest_title"] == "Bí thư Tỉnh ủy Bến Tre"
    assert (row["first_date"], row["last_date"]) == ("2023-03-01", "2025-03-12")
    assert row["appearances"] == 2 and row["articles"] == 2


def test_tone_mark_placement_is_folded():
    rows = [
        appearance("Nguyễn Thị Thuỷ", ["Chủ tịch Hội Liên hiệp Phụ nữ tỉnh"], "Nghệ An", "2023-01-05", "a"),
        appearance("Nguyễn Thị Thủy", ["Chủ tịch Hội LHPN tỉnh"], "Nghệ An", "2024-01-05", "b"),
        appearance("Nguyễn Thị Thủy", ["Chủ tịch Hội LHPN tỉnh"], "Nghệ An", "2024-08-05", "c"),
    ]
    [person] = resolve(rows)
    assert person.id == "nguyen-thi-thuy--nghe-an"
    assert person_row(person)["name"] == "Nguyễn Thị Thủy"  # the most printed form


def test_same_name_in_two_provinces_with_provincial_titles_is_two_people():
    rows = [
        appearance("Nguyễn Văn Hùng", ["Phó Chủ tịch UBND tỉnh"], "Bến Tre", "2024-01-05", "bt"),
        appearance("Nguyễn Văn Hùng", ["Phó Chủ tịch UBND tỉnh"], "Trà Vinh", "2024-01-06", "tv"),
    ]
    assert groups(resolve(rows)) == {
        "nguyen-van-hung--ben-tre": ["bt"],
        "nguyen-van-hung--tra-vinh": ["tv"],
    }


def test_province_named_in_the_title_beats_the_meeting_place():
    # the Trà Vinh secretary visiting Bến Tre is the Trà Vinh person
    rows = [
        appearance("Ngô Chí Cường", ["Bí thư Tỉnh ủy Trà Vinh"], "Bến Tre", "2024-01-05", "visit"),
        appearance("Ngô Chí Cường", ["Bí thư Tỉnh ủy"], "Trà Vinh", "2024-03-05", "home"),
    ]
    assert groups(resolve(rows)) == {"ngo-chi-cuong--tra-vinh": ["home", "visit"]}


def test_central_and_provincial_namesakes_stay_apart():
    rows = [
        appearance("Lê Văn Minh", ["Phó Trưởng Ban Dân vận Trung ương"], "Bến Tre", "2024-01-05", "c"),
        appearance("Lê Văn Minh", ["Phó Chủ tịch HĐND tỉnh"], "Bến Tre", "2024-01-06", "p"),
    ]
    assert groups(resolve(rows)) == {"le-van-minh--ben-tre": ["p"], "le-van-minh--central": ["c"]}


def test_local_post_wins_over_central_membership():
    anchor = anchor_of(["Ủy viên Ban Chấp hành Trung ương Đảng", "Bí thư Tỉnh ủy"], "Trà Vinh",
                       "2023-08-25")
    assert (anchor.scope, anchor.province, anchor.tier) == ("local", "Trà Vinh", "province")
    assert anchor_of(["Thường trực Ban Bí thư"], None).scope == CENTRAL
    assert anchor_of(["Chủ tịch Hội Nông dân Việt Nam"], "Hà Nội").scope == CENTRAL


def test_district_and_provincial_namesakes_in_one_province_stay_apart():
    rows = [
        appearance("Phạm Văn Tư", ["Bí thư Huyện ủy Châu Thành"], "Bến Tre", "2024-01-05", "d"),
        appearance("Phạm Văn Tư", ["Giám đốc Sở Nội vụ tỉnh"], "Bến Tre", "2024-02-05", "p"),
    ]
    assert groups(resolve(rows)) == {
        "pham-van-tu--ben-tre": ["p"],
        "pham-van-tu--ben-tre--local": ["d"],
    }
    # "xã hội" is not a commune
    assert anchor_of(["Chủ tịch Hội Bảo trợ xã hội tỉnh"], "Bến Tre").tier == "province"


def test_after_the_merger_joins_the_one_person_of_a_merged_unit():
    rows = [
        appearance("Trần Thanh Lâm", ["Bí thư Tỉnh ủy"], "Bến Tre", "2025-01-08", "before"),
        appearance("Trần Thanh Lâm", ["Phó Bí thư Tỉnh ủy"], "Vĩnh Long", "2025-08-20", "after"),
    ]
    assert groups(resolve(rows)) == {"tran-thanh-lam--ben-tre": ["after", "before"]}
    # two candidates in the merged units: the post-merger appearance is its own person
    rows.append(appearance("Trần Thanh Lâm", ["Phó Chủ tịch UBND tỉnh"], "Trà Vinh", "2024-05-01", "tv"))
    assert groups(resolve(rows)) == {
        "tran-thanh-lam--ben-tre": ["before"],
        "tran-thanh-lam--tra-vinh": ["tv"],
        "tran-thanh-lam--vinh-long--2025": ["after"],
    }


def test_weak_appearance_joins_the_only_person_of_that_name():
    rows = [
        appearance("Trương Thị Mai", ["Thường trực Ban Bí thư"], None, "2024-01-10", "central"),
        appearance("Trương Thị Mai", [], "Hà Nội", "2024-02-10", "untitled"),
    ]
    assert groups(resolve(rows)) == {"truong-thi-mai--central": ["central", "untitled"]}


def test_weak_appearance_with_several_candidates_goes_to_its_province():
    rows = [
        appearance("Nguyễn Văn Hùng", ["Phó Chủ tịch UBND tỉnh"], "Bến Tre", "2024-01-05", "bt"),
        appearance("Nguyễn Văn Hùng", ["Phó Chủ tịch UBND tỉnh"], "Trà Vinh", "2024-01-06", "tv"),
        appearance("Nguyễn Văn Hùng", [], "Trà Vinh", "2024-05-06", "weak-tv"),
        appearance("Nguyễn Văn Hùng", [], "Sơn La", "2024-05-06", "weak-sl"),
    ]
    assert groups(resolve(rows)) == {
        "nguyen-van-hung--ben-tre": ["bt"],
        "nguyen-van-hung--son-la": ["weak-sl"],
        "nguyen-van-hung--tra-vinh": ["tv", "weak-tv"],
    }


def test_result_does_not_depend_on_input_order():
    rows = [
        appearance("Lê Văn Hẳn", ["Chủ tịch UBND tỉnh"], "Trà Vinh", "2023-08-25"),
        appearance("Lê Văn Hẳn", [], "Trà Vinh", "2023-09-25"),
        appearance("Lê Văn Hẳn", ["Bộ trưởng Bộ Nội vụ"], None, "2024-09-25"),
        appearance("Lê Văn Hẳn", [], None, "2024-10-25"),
    ]
    assert groups(resolve(rows)) == groups(resolve(list(reversed(rows))))


def test_ids_are_stable_and_kept_for_known_keys():
    key = person_key("Trần Thanh Lâm", "Bến Tre")
    assert person_id(key) == "tran-thanh-lam--ben-tre"
    # a new key whose plain id is taken by another (accents differ) gets a suffix,
    # the holder keeps the plain id
    other = person_key("Trần Thanh Lam", "Bến Tre")
    taken = {"tran-thanh-lam--ben-tre": key}
    assert person_id(other, taken).startswith("tran-thanh-lam--ben-tre-")
    assert person_id(key, taken) == "tran-thanh-lam--ben-tre"
    # an id stored for a key is reused whatever it looks like
    rows = [appearance("Trần Thanh Lâm", ["Bí thư Tỉnh ủy"], "Bến Tre", "2024-01-01")]
    [person] = resolve(rows, existing={"legacy-id-7": key})
    assert person.id == "legacy-id-7"


@pytest.mark.parametrize("titles", [None, "", "[]", []])
def test_missing_titles_are_weak(titles):
    assert anchor_of(titles, "Bến Tre").scope == "weak"


def test_resolving_one_name_at_a_time_gives_the_same_people():
    from pipeline.people import assign_ids, group_order, name_key, resolve_name

    rows = [
        appearance("Trần Thanh Lâm", ["Bí thư Tỉnh ủy"], "Bến Tre", "2025-01-08", "lam-bt"),
        appearance("Trần Thanh Lâm", ["Phó Bí thư Tỉnh ủy"], "Vĩnh Long", "2025-08-20", "lam-vl"),
        appearance("Trần Thanh Lam", ["Phó Chủ tịch UBND tỉnh"], "Bến Tre", "2024-05-01", "lam2"),
        appearance("Trần Thanh", ["Thường trực Ban Bí thư"], None, "2024-05-01", "short"),
        appearance("Trần Thanh Lâm.", ["Giám đốc Sở Nội vụ tỉnh"], "Bến Tre", "2024-07-01", "dot"),
    ]
    existing = {"tran-thanh-lam--ben-tre-legacy": person_key("Trần Thanh Lâm", "Bến Tre")}
    whole = resolve(rows, existing)
    # streamed as links.refresh_people does: groups in group_order, shared id maps
    known = {key: pid for pid, key in existing.items()}
    taken = dict(existing)
    streamed = []
    names = sorted({name_key(r["name"]) for r in rows}, key=group_order)
    for nkey in names:
        people = resolve_name(nkey, [r for r in rows if name_key(r["name"]) == nkey])
        assert all(p.id == "" for p in people)
        assign_ids(people, known, taken)
        streamed.extend(people)
    assert [(p.key, p.id) for p in streamed] == [(p.key, p.id) for p in whole]
    assert groups(streamed) == groups(whole)
    # group order is key order: a new key's plain id goes to the lower key
    assert [p.key for p in whole] == sorted(p.key for p in whole)
    ids = {p.key.split("|")[0]: p.id for p in whole if p.key.endswith("|Bến Tre")}
    assert ids["trần thanh lâm"] == "tran-thanh-lam--ben-tre-legacy"  # stored: kept
    assert ids["trần thanh lam"] == "tran-thanh-lam--ben-tre"  # first new key
    assert ids["trần thanh lâm."].startswith("tran-thanh-lam--ben-tre-")  # clash: suffix
