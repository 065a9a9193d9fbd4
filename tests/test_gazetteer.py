"""pipeline.gazetteer (and the normaliser pipeline.text) on sentences written for these tests."""
import json
import re
import unicodedata
from pathlib import Path

import pytest

from pipeline import gazetteer as g
from pipeline.text import fold, nfc

RULES = Path(__file__).resolve().parent.parent / "pipeline" / "rules"


def names(text):
    return [m.name for m in g.find_provinces(text)]


# --------------------------------------------------------------------------- data files

def test_counts_per_era():
    assert len(g.provinces("pre2025")) == 63
    assert len(g.provinces("post2025")) == 34
    assert len({e["name"] for e in g.provinces("pre2025")}) == 63
    assert len({e["name"] for e in g.provinces("post2025")}) == 34


@pytest.mark.parametrize("fname", sorted(p.name for p in RULES.glob("*.json")))
def test_json_files_are_nfc(fname):
    text = (RULES / fname).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    json.loads(text)


def test_gold_spellings_present():
    pre = {e["name"] for e in g.provinces("pre2025")}
    post = {e["name"] for e in g.provinces("post2025")}
    for n in ["Thừa Thiên Huế", "Hồ Chí Minh", "Bắc Kạn", "Hòa Bình", "Khánh Hòa", "Thanh Hóa",
              "Bà Rịa - Vũng Tàu", "Đắk Lắk", "Đắk Nông", "Kon Tum"]:
        assert n in pre, n
    assert "Huế" in post and "Thừa Thiên Huế" not in post
    assert "Hà Nội" in pre and "Hà Nội" in post


def test_every_successor_is_a_post2025_province():
    post = {e["name"] for e in g.provinces("post2025")}
    for e in g.provinces("pre2025"):
        assert e["successor"] in post, e["name"]
    # every post-2025 unit lists its predecessors, and they partition the 63
    preds = [p for e in g.provinces("post2025") for p in e["predecessors"]]
    assert sorted(preds) == sorted(e["name"] for e in g.provinces("pre2025"))


def test_outlet_provinces_are_known():
    pre = {e["name"] for e in g.provinces("pre2025")} | {e["name"] for e in g.provinces("post2025")}
    outlets = json.loads((RULES / "outlets.json").read_text(encoding="utf-8"))
    papers = [o for o in outlets if o["kind"] == "provincial party paper"]
    assert {o["province"] for o in papers} == {e["name"] for e in g.provinces("pre2025")}
    for o in outlets:
        assert o["province"] is None or o["province"] in pre, o["name"]


# --------------------------------------------------------------------------- fold / nfc

def test_fold_tone_placement_and_case():
    assert fold("Khánh Hoà") == fold("Khánh Hòa") == "khánh hòa"
    assert fold("Tỉnh uỷ") == fold("Tỉnh ủy") == "tỉnh ủy"
    assert fold("Thuỷ") == "thủy"
    assert fold("  Hà   Nội\n") == "hà nội"
    # only at the end of a syllable, and "quý" is left alone
    assert fold("hoàn thành") == "hoàn thành"
    assert fold("quý") == "quý"


def test_fold_accepts_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Hoà Bình")
    assert fold(decomposed) == "hòa bình"
    assert nfc(decomposed) == unicodedata.normalize("NFC", "Hoà Bình")


# --------------------------------------------------------------------------- find_provinces

def test_variants_resolve():
    text = ("Sáng 12/3, tại TP.HCM, đoàn công tác của Hội Nông dân tỉnh Hoà Bình, "
            "Hội Cựu chiến binh tỉnh Bắc Cạn và Hội Luật gia TT-Huế đã trao đổi kinh nghiệm.")
    ms = g.find_provinces(text)
    assert [m.name for m in ms] == ["Hồ Chí Minh", "Hòa Bình", "Bắc Kạn", "Thừa Thiên Huế"]
    for m in ms:
        assert text[m.start:m.end] == m.text
    assert [m.text for m in ms] == ["TP.HCM", "Hoà Bình", "Bắc Cạn", "TT-Huế"]
    assert ms[1].era == "pre2025" and ms[0].era == "both"


@pytest.mark.parametrize("printed, name", [
    ("TP HCM", "Hồ Chí Minh"), ("TP. Hồ Chí Minh", "Hồ Chí Minh"), ("TPHCM", "Hồ Chí Minh"),
    ("thành phố Hồ Chí Minh", "Hồ Chí Minh"), ("Sài Gòn", "Hồ Chí Minh"),
    ("TT Huế", "Thừa Thiên Huế"), ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
    ("BR-VT", "Bà Rịa - Vũng Tàu"), ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("ĐắkLắk", "Đắk Lắk"), ("Đăk Lăk", "Đắk Lắk"), ("Dak Lak", "Đắk Lắk"),
    ("Đak Nông", "Đắk Nông"), ("Kon Tum", "Kon Tum"), ("Khánh Hoà", "Khánh Hòa"),
    ("Thanh Hoá", "Thanh Hóa"),
])
def test_variant_in_sentence(printed, name):
    assert names(f"Đoàn công tác đến làm việc tại {printed} vào chiều qua.") == [name]


def test_capitalisation_peace_is_not_the_province():
    assert names("Hội nghị bàn về hòa bình thế giới và hợp tác khu vực.") == []
    assert names("Ngày hội Hòa bình và hữu nghị") == []  # "bình" lower-case
    assert names("Hội Chữ thập đỏ tỉnh Hòa Bình tổ chức hội nghị.") == ["Hòa Bình"]


def test_word_boundaries():
    assert names("Ông Định cho biết hội đã phát triển thêm hội viên.") == []
    assert names("Tỉnh ủy Bình Định làm việc với Liên hiệp các Hội.") == ["Bình Định"]
    assert names("Các tỉnh Quảng Nam, Quảng Ngãi và thành phố Cần Thơ") == [
        "Quảng Nam", "Quảng Ngãi", "Cần Thơ"]
    assert names("Hội Nông dân Long Anh") == []  # not "Long An"


def test_longest_match_wins():
    ms = g.find_provinces("Đại hội MTTQ tỉnh Thừa Thiên Huế khóa mới")
    assert [(m.name, m.text) for m in ms] == [("Thừa Thiên Huế", "Thừa Thiên Huế")]
    ms = g.find_provinces("tỉnh Bà Rịa - Vũng Tàu")
    assert [m.name for m in ms] == ["Bà Rịa - Vũng Tàu"]


def test_names_that_are_also_other_things():
    assert names("Các nước ven Thái Bình Dương tăng cường hợp tác.") == []
    assert names("Trụ sở đặt tại số 5 đường Điện Biên Phủ, quận Ba Đình.") == []
    assert names("Phó Thủ tướng Nguyễn Hòa Bình phát biểu chỉ đạo.") == []
    assert names("Bà Nguyễn Thị Huế, Chủ tịch Hội Phụ nữ, báo cáo.") == []
    # the President's name, not the city
    assert names("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh") == []
    assert names("Đoàn TNCS Hồ Chí Minh thành phố Hồ Chí Minh") == ["Hồ Chí Minh"]
    assert names("Tỉnh Thái Bình và tỉnh Điện Biên") == ["Thái Bình", "Điện Biên"]


def test_offsets_refer_to_the_text():
    text = "Chiều 8/1, Tỉnh ủy Bến Tre làm việc với các hội quần chúng."
    (m,) = g.find_provinces(text)
    assert (m.start, m.end) == (19, 26) and text[m.start:m.end] == "Bến Tre"
    assert m.successor == "Vĩnh Long"


# --------------------------------------------------------------------------- lookups

@pytest.mark.parametrize("variant, name", [
    ("TP.HCM", "Hồ Chí Minh"), ("Hồ Chí Minh", "Hồ Chí Minh"), ("Hoà Bình", "Hòa Bình"),
    ("Bắc Cạn", "Bắc Kạn"), ("TT-Huế", "Thừa Thiên Huế"), ("tỉnh Khánh Hoà", "Khánh Hòa"),
    ("Thành phố Hà Nội", "Hà Nội"), ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("Huế", "Huế"), ("Ben Tre", "Bến Tre"),
])
def test_canonical(variant, name):
    assert g.canonical(variant) == name


def test_canonical_unknown():
    assert g.canonical("Tân An Giang") is None
    assert g.canonical("") is None


@pytest.mark.parametrize("old, new", [
    ("Bến Tre", "Vĩnh Long"), ("Trà Vinh", "Vĩnh Long"), ("Bắc Kạn", "Thái Nguyên"),
    ("Hậu Giang", "Cần Thơ"), ("Quảng Bình", "Quảng Trị"), ("Hòa Bình", "Phú Thọ"),
    ("Kiên Giang", "An Giang"), ("Bình Định", "Gia Lai"), ("Quảng Nam", "Đà Nẵng"),
    ("Thừa Thiên Huế", "Huế"), ("Hà Nội", "Hà Nội"), ("Bình Dương", "Hồ Chí Minh"),
    ("TP.HCM", "Hồ Chí Minh"), ("Vĩnh Long", "Vĩnh Long"), ("Huế", "Huế"),
])
def test_successor(old, new):
    assert g.successor(old) == new


def test_successor_unknown():
    assert g.successor("Atlantis") is None


def test_unit_on():
    def unit(name, date):
        u = g.unit_on(name, date)
        return u and (u["name"], u["era"])
    assert unit("Bến Tre", "2024-05-02") == ("Bến Tre", "pre2025")
    assert unit("Bến Tre", "2025-07-01") == ("Vĩnh Long", "post2025")
    assert unit("Huế", "2023-10-10") == ("Thừa Thiên Huế", "pre2025")
    assert unit("Huế", None) == ("Huế", "post2025")  # undated: the name of today's city
    assert unit("Thừa Thiên Huế", "2024-12-31") == ("Thừa Thiên Huế", "pre2025")
    assert unit("Hà Nội", "2019-01-01") == ("Hà Nội", "pre2025")
    assert unit("Atlantis", "2019-01-01") is None


@pytest.mark.parametrize("token, expected", [
    ("baodongkhoi.vn", ("baodongkhoi.vn", "Bến Tre")),
    ("https://www.BaoDongKhoi.vn/tin-tuc/abc.html", ("baodongkhoi.vn", "Bến Tre")),
    ("Tinhuytthue.vn", ("tinhuytthue.vn", "Thừa Thiên Huế")),
    ("baobackan.org.vn", ("baobackan.org.vn", "Bắc Kạn")),
    ("baogialai.com.vn", ("baogialai.com.vn", "Gia Lai")),
    ("BBK", ("BBK", "Bắc Kạn")),
    ("(QBĐT)", ("QBĐT", "Quảng Bình")),
    ("GLO", ("GLO", "Gia Lai")),
    ("HG", ("HG", "Hậu Giang")),
    ("LĐTĐ", ("LĐTĐ", "Hà Nội")),
    ("Báo Thanh Hóa", ("Báo Thanh Hóa", "Thanh Hóa")),
    ("Báo Thanh Hoá", ("Báo Thanh Hóa", "Thanh Hóa")),
    ("Báo Đồng Khởi", ("Báo Đồng Khởi", "Bến Tre")),
    ("PLVN", ("PLVN", None)),
    ("VOV5", ("VOV5", None)),
    ("TTXVN", ("TTXVN", None)),
    ("Mặt trận", ("Mặt trận", None)),
    ("Đại Đoàn Kết", ("Đại Đoàn Kết", None)),
    ("nguoiduatin.vn", ("nguoiduatin.vn", None)),
])
def test_province_of_outlet(token, expected):
    assert g.province_of_outlet(token) == expected


def test_province_of_outlet_unknown():
    assert g.province_of_outlet("example.vn") is None
    assert g.province_of_outlet("XYZQ") is None
    assert g.province_of_outlet("") is None


def test_find_outlets():
    text = ("BBK - Sáng 3/4, Tỉnh ủy làm việc với các hội.\n"
            "Ảnh: Báo Gia Lai. Theo baodongkhoi.vn. (QBĐT) Nội dung khác. Theo PLVN")
    found = [(o.source, o.province, o.kind) for o in g.find_outlets(text)]
    assert found == [
        ("BBK", "Bắc Kạn", "tag"),
        ("Báo Gia Lai", "Gia Lai", "name"),
        ("baodongkhoi.vn", "Bến Tre", "domain"),
        ("QBĐT", "Quảng Bình", "tag"),
        ("PLVN", None, "tag"),
    ]
    # a tag only counts where a tag is printed
    assert g.find_outlets("Hội HG hoạt động tốt") == []


@pytest.mark.parametrize("district, province", [
    ("Thường Tín", "Hà Nội"), ("huyện Thường Tín", "Hà Nội"), ("Pleiku", "Gia Lai"),
    ("TP Pleiku", "Gia Lai"), ("Vinh", "Nghệ An"), ("thành phố Vinh", "Nghệ An"),
    ("Buôn Ma Thuột", "Đắk Lắk"), ("Hương Thuỷ", "Thừa Thiên Huế"), ("Quận 1", "Hồ Chí Minh"),
    ("Kỳ Anh", "Hà Tĩnh"),
])
def test_province_of_district(district, province):
    assert [d.province for d in g.find_districts(district, require_prefix=False)] == [province]


def test_ambiguous_or_unknown_district():
    assert g.find_districts("huyện Châu Thành")[0].province is None  # ten provinces
    assert g.find_districts("quận Hoàng Mai")[0].province is None  # Hà Nội and Nghệ An
    assert g.find_districts("huyện Không Có") == []
    districts = json.loads((RULES / "districts.json").read_text(encoding="utf-8"))
    chau_thanh = [d for d in districts if d["name"] == "Châu Thành"]
    assert chau_thanh and all(d["ambiguous"] and len(d["provinces"]) > 1 for d in chau_thanh)


def test_find_districts():
    text = "Hội nghị tổ chức tại huyện Thường Tín; đoàn thăm huyện Châu Thành và Vinh."
    found = [(d.name, d.province) for d in g.find_districts(text)]
    assert found == [("Thường Tín", "Hà Nội"), ("Châu Thành", None)]
    loose = [(d.name, d.province) for d in g.find_districts(text, require_prefix=False)]
    assert ("Vinh", "Nghệ An") in loose


def test_a_place_at_the_start_is_the_first_match_when_it_starts_there():
    """``province_at_start``/``district_at_start`` skip the search only where no name can
    start: on every window after a word of the shared texts, they give what the full search
    gives for position 0."""
    from tests import SHARED

    texts = [p.read_text(encoding="utf-8") for sub in ("seeds", "dev", "dev2")
             for p in sorted((SHARED / sub).glob("*.txt"))]
    windows = [text[m.end(): m.end() + 60].lstrip(" ") for text in texts
               for m in re.finditer(r"\w+", text)]
    assert len(windows) > 10000
    hits = 0
    for window in windows:
        first = (g.find_provinces(window) or [None])[0]
        assert g.province_at_start(window) == (first if first and first.start == 0 else None), window
        for prefix in (False, True):
            first = (g.find_districts(window, require_prefix=prefix) or [None])[0]
            expected = first if first and first.start == 0 else None
            assert g.district_at_start(window, require_prefix=prefix) == expected, window
            hits += expected is not None
    assert hits > 100
