"""The scorer's rules (GOLD.md, "Scoring"), each on a small record made up for the test."""
from __future__ import annotations

import copy
import json

import pytest

from pipeline.evaluate import (
    explain,
    load_gold,
    load_predictions,
    main,
    norm,
    score,
    title_ok,
)
from tests import SHARED


SHARED_GOLD = SHARED / "gold"


def record(id="a1", **fields):
    """An empty record in the GOLD.md shape, with ``fields`` set."""
    base = {
        "id": id,
        "source": None,
        "published": None,
        "meeting": {"date": None, "time_of_day": None, "province": None, "level": None, "kind": None},
        "officials": [],
        "association_counts": [],
        "documents": [],
        "directives": [],
    }
    meeting = fields.pop("meeting", {})
    base["meeting"].update(meeting)
    base.update(fields)
    return base


def official(name, titles=(), role="attendee"):
    return {"name": name, "titles": list(titles), "role": role}


def one(gold, pred):
    return score({gold["id"]: gold}, {pred["id"]: pred} if pred is not None else {})


# --- the whole gold set read back as its own prediction --------------------------------------


@pytest.mark.skipif(not SHARED_GOLD.is_dir(), reason="shared gold answers not present")
def test_gold_as_prediction_scores_one_everywhere():
    gold = load_gold(SHARED_GOLD)
    assert gold
    report = score(gold, copy.deepcopy(gold))
    for name, metric in report.as_dict()["fields"].items():
        for key, value in metric.items():
            if key in ("accuracy", "precision", "recall", "f1") and value is not None:
                assert value == 1.0, (name, key)
        if "stated" in metric and metric["stated"]["accuracy"] is not None:
            assert metric["stated"]["accuracy"] == 1.0, name
    assert all(d.ok for d in report.per_article)
    assert report["officials"].tp > 0 and report["directives"].tp > 0


# --- the string key ---------------------------------------------------------------------------


def test_norm_folds_tone_marks_case_and_space():
    assert norm("Lê Thị Thuỷ") == norm("Lê Thị Thủy")
    assert norm("Tỉnh uỷ") == norm("TỈNH ỦY")
    assert norm("THUỶ") == norm("thủy")
    assert norm("hoà  bình") == norm("Hòa bình")
    assert norm("khoẻ") == norm("khỏe")
    assert norm("  Quảng\u00a0Trị ") == "quảng trị"
    # decomposed input composes
    assert norm("Thu\u0309y") == norm("Thuỷ") == norm("Thủy")
    assert norm(None) is None and norm("   ") is None


def test_tone_mark_folding_matches_official_names():
    gold = record(officials=[official("Lê Thị Thuỷ", ["Phó Chủ tịch UBND tỉnh"], "chair")])
    pred = record(officials=[official("Lê Thị Thủy", ["Phó Chủ tịch UBND tỉnh"], "chair")])
    r = one(gold, pred)
    assert (r["officials"].tp, r["officials"].fp, r["officials"].fn) == (1, 0, 0)
    assert r["officials.chair"].f1 == 1.0


# --- meeting fields: null == null and .stated -------------------------------------------------


def test_null_null_is_right_and_stated_counts_only_gold_values():
    gold = {
        "a": record("a", published="2024-03-01", meeting={"date": None, "province": "Hà Nội", "level": "province"}),
        "b": record("b", published=None, meeting={"date": "2024-02-28", "province": None, "level": "district"}),
    }
    pred = {
        "a": record("a", published="2024-03-01", meeting={"date": None, "province": "hà  nội", "level": "central"}),
        "b": record("b", published="2024-03-02", meeting={"date": "2024-02-28", "province": None, "level": "district"}),
    }
    r = score(gold, pred)
    pub = r["published"]
    assert (pub.all.correct, pub.all.total) == (1, 2)
    assert (pub.stated.correct, pub.stated.total) == (1, 1)
    date = r["meeting.date"]
    assert (date.all.correct, date.all.total) == (2, 2)       # null answered with null is right
    assert (date.stated.correct, date.stated.total) == (1, 1)
    prov = r["meeting.province"]
    assert (prov.all.correct, prov.stated.correct, prov.stated.total) == (2, 1, 1)
    level = r["meeting.level"]
    assert (level.all.correct, level.all.total) == (1, 2)
    assert "meeting.level" in explain(r, "a") and "central" in explain(r, "a")


def test_empty_string_prediction_counts_as_null():
    r = one(record(meeting={"province": None}), record(meeting={"province": ""}))
    assert r["meeting.province"].all.correct == 1


# --- officials ---------------------------------------------------------------------------------


def test_duplicate_official_is_one_false_positive():
    gold = record(officials=[official("Nguyễn Văn An", ["Bí thư Huyện ủy"], "chair"),
                             official("Trần Thị Bình", ["Chủ tịch Hội Nông dân huyện"], "speaker")])
    pred = record(officials=[official("Nguyễn Văn An", ["Bí thư Huyện ủy"], "chair"),
                             official("Trần Thị Bình", ["Chủ tịch Hội Nông dân huyện"], "speaker"),
                             official("Nguyễn Văn An", [], "attendee")])
    r = one(gold, pred)
    o = r["officials"]
    assert (o.tp, o.fp, o.fn) == (2, 1, 0)
    # the first occurrence is the one scored for title and role
    assert r["officials.title"].correct == 2 and r["officials.role"].correct == 2
    kinds = [(i.field, i.kind) for i in r.per_article[0].issues]
    assert ("officials", "duplicate") in kinds
    assert "duplicate" in explain(r, "a1")


def test_official_missed_and_spurious():
    gold = record(officials=[official("Phạm Văn Cường")])
    pred = record(officials=[official("Phạm Văn Cuờng")])  # misspelt: no match
    r = one(gold, pred)
    assert (r["officials"].tp, r["officials"].fp, r["officials"].fn) == (0, 1, 1)
    text = explain(r, "a1")
    assert "missed" in text and "spurious" in text


def test_title_eighty_percent_rule_exact_bounds():
    first = "Phó Chủ tịch Thường trực UBND tỉnh"             # 7 syllables
    assert not title_ok([first], ["Phó Chủ tịch UBND tỉnh"])         # 5/7 < 0.8
    assert title_ok([first], ["Phó Chủ tịch Thường trực UBND"])      # 6/7 >= 0.8
    # counted over the longer: a much longer predicted title fails
    assert not title_ok(["Bí thư Tỉnh ủy"], ["Ủy viên Trung ương Đảng Bí thư Tỉnh ủy"])
    # exactly 4/5 passes
    assert title_ok(["Trưởng ban Dân vận Tỉnh ủy"], ["Trưởng ban Dân vận Huyện ủy"])
    # any predicted title may match the FIRST gold title; later gold titles do not count
    assert title_ok(["Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh"], ["Chủ tịch HĐND tỉnh", "Bí thư Tỉnh uỷ"])
    assert not title_ok(["Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh"], ["Chủ tịch HĐND tỉnh"])
    # no gold title: right only when none is predicted
    assert title_ok([], [])
    assert not title_ok([], ["Đại biểu"])
    assert not title_ok(["Bí thư Tỉnh ủy"], [])


def test_title_and_role_accuracy_in_report():
    gold = record(officials=[official("Võ Văn Dũng", ["Phó Chủ tịch Thường trực UBND tỉnh"], "chair"),
                             official("Hồ Thị Em", [], "speaker")])
    pred = record(officials=[official("Võ Văn Dũng", ["Phó Chủ tịch UBND tỉnh"], "chair"),
                             official("Hồ Thị Em", [], "attendee")])
    r = one(gold, pred)
    assert (r["officials.title"].correct, r["officials.title"].total) == (1, 2)
    assert (r["officials.role"].correct, r["officials.role"].total) == (1, 2)
    text = explain(r, "a1")
    assert "wrong title" in text and "wrong role" in text


def test_chair_prf():
    gold = record(officials=[official("Đỗ Văn Giang", role="chair"), official("Lý Thị Hoa", role="attendee")])
    pred = record(officials=[official("Đỗ Văn Giang", role="attendee"), official("Lý Thị Hoa", role="chair")])
    c = one(gold, pred)["officials.chair"]
    assert (c.tp, c.fp, c.fn) == (0, 1, 1)


# --- association counts -------------------------------------------------------------------------


def test_association_counts_multiset_and_kind_pairing():
    gold = record(association_counts=[
        {"count": 12, "subject": "hội", "kind": "total"},
        {"count": 12, "subject": "hội", "kind": "new"},
        {"count": 300, "subject": "hội", "kind": "total"},
    ])
    pred = record(association_counts=[
        {"count": 12, "subject": "hội", "kind": "new"},
        {"count": 12, "subject": "hội", "kind": "new"},
        {"count": 12, "subject": "hội", "kind": "total"},
        {"count": "1.500", "subject": "hội", "kind": "total"},
    ])
    r = one(gold, pred)
    a = r["association_counts"]
    assert (a.tp, a.fp, a.fn) == (2, 2, 1)
    # the two 12s pair to agree on kind (new-new, total-total)
    assert (r["association_counts.kind"].correct, r["association_counts.kind"].total) == (2, 2)


def test_count_read_as_integer():
    r = one(record(association_counts=[{"count": 1475, "subject": "hội", "kind": "total"}]),
            record(association_counts=[{"count": "1.475", "subject": "hội", "kind": "total"}]))
    assert r["association_counts"].tp == 1


# --- documents ------------------------------------------------------------------------------------


def test_document_number_spaces_and_case():
    gold = record(documents=[
        {"type": "Kết luận", "number": "99-KL/TU", "date": "2022-05-10", "issuer": None},
        {"type": "Kế hoạch", "number": "7-KH/HU", "date": None, "issuer": None},
    ])
    pred = record(documents=[
        {"type": "Kết luận", "number": "99 - kl/tu", "date": "2022-05-11", "issuer": None},
        {"type": "Kế hoạch", "number": "7-KH/ HU", "date": None, "issuer": None},
        {"type": "Kế hoạch", "number": "8-KH/HU", "date": None, "issuer": None},
    ])
    r = one(gold, pred)
    d = r["documents"]
    assert (d.tp, d.fp, d.fn) == (2, 1, 0)
    assert (r["documents.date"].correct, r["documents.date"].total) == (1, 2)  # null == null right
    assert "wrong date" in explain(r, "a1")


# --- directives -------------------------------------------------------------------------------------


def directive(text, speaker="Nguyễn Văn An"):
    return {"speaker": speaker, "text": text}


def test_directive_half_overlap_rule():
    task = "hội cần đổi mới phương thức hoạt động"          # 8 syllables

    def found(pred_text):
        return one(record(directives=[directive(task)]), record(directives=[directive(pred_text)]))["directives"].tp

    assert found("hội cần tăng cường công tác kiểm tra") == 0       # 2 of 8 shared
    assert found("hội cần đổi mới phương thức kiểm tra") == 1       # 6 of 8
    assert found("hội cần đổi mới công tác kiểm tra") == 1          # 4 of 8: exactly half is found
    assert found("hội cần đổi mới công tác kiểm tra ngay") == 0     # 4 of 9: over the longer, under half
    # a whole paragraph does not match the short task it contains
    paragraph = (task + "; đồng thời làm tốt công tác phát triển hội viên, nâng cao chất lượng "
                 "sinh hoạt chi hội và chuẩn bị tốt đại hội các cấp")
    r = one(record(directives=[directive(task)]), record(directives=[directive(paragraph)]))
    assert (r["directives"].tp, r["directives"].fp, r["directives"].fn) == (0, 1, 1)
    # punctuation around syllables is ignored
    r = one(record(directives=[directive(task)]), record(directives=[directive("“" + task.upper() + ".”")]))
    assert r["directives"].tp == 1


def test_directives_one_to_one_best_first():
    a = "đẩy mạnh tuyên truyền chính sách pháp luật đến hội viên"
    b = "đẩy mạnh tuyên truyền chính sách pháp luật đến đoàn viên thanh niên"
    gold = record(directives=[directive(a), directive(b)])
    # one prediction matching both gold directives above half: it pairs once, with the better one
    pred = record(directives=[directive(b)])
    r = one(gold, pred)
    assert (r["directives"].tp, r["directives"].fp, r["directives"].fn) == (1, 0, 1)
    missed = [i for i in r.per_article[0].issues if i.kind == "missed"]
    assert len(missed) == 1 and "hội viên" in missed[0].gold
    # two predictions: the best overlaps first gives each gold its own
    pred = record(directives=[directive(b), directive(a)])
    r = one(gold, pred)
    assert (r["directives"].tp, r["directives"].fp, r["directives"].fn) == (2, 0, 0)
    # the same prediction twice: the second is a false positive
    pred = record(directives=[directive(a), directive(a)])
    r = one(record(directives=[directive(a)]), pred)
    assert (r["directives"].tp, r["directives"].fp, r["directives"].fn) == (1, 1, 0)


def test_directive_speaker_accuracy_null_equals_null():
    gold = record(directives=[directive("phấn đấu thành lập mới năm hội cơ sở", None),
                              directive("rà soát điều lệ của các hội", "Nguyễn Văn An")])
    pred = record(directives=[directive("phấn đấu thành lập mới năm hội cơ sở", None),
                              directive("rà soát điều lệ của các hội", "Nguyễn Văn Ân")])
    r = one(gold, pred)
    s = r["directives.speaker"]
    assert (s.correct, s.total) == (1, 2)
    assert "wrong speaker" in explain(r, "a1")


# --- missing prediction -----------------------------------------------------------------------------


def test_missing_prediction_is_an_empty_record():
    gold = {
        "a": record("a", published="2024-01-05", meeting={"level": "province"},
                    officials=[official("Nguyễn Văn An", ["Bí thư Tỉnh ủy"], "chair")],
                    association_counts=[{"count": 5, "subject": "hội", "kind": "new"}],
                    documents=[{"type": "Quyết định", "number": "1-QĐ/TU", "date": None, "issuer": None}],
                    directives=[directive("các hội cần phát triển hội viên")]),
        "b": record("b"),
    }
    r = score(gold, {})
    assert r.no_prediction == ["a", "b"]
    for name in ("officials", "officials.chair", "association_counts", "documents", "directives"):
        assert (r[name].tp, r[name].fp, r[name].fn) == (0, 0, 1), name
    # the empty gold article "b" is answered right by the empty record
    assert r["published"].all.correct == 1 and r["published"].all.total == 2
    assert r["meeting.level"].all.correct == 1
    assert "NO PREDICTION" in explain(r, "a")
    assert r.per_article[1].ok


def test_ids_restrict_the_scored_articles():
    gold = {"a": record("a", published="2024-01-01"), "b": record("b", published="2024-01-02")}
    pred = {"a": record("a", published="2024-01-01"), "c": record("c")}
    r = score(gold, pred, ids=["a", "z"])
    assert r.n_articles == 1 and r["published"].all.correct == 1
    assert r.ids_without_gold == ["z"]
    assert r.unscored == ["c"]


# --- figures, files and the command line ------------------------------------------------------------


def test_table_and_dict_carry_counts():
    gold = record(officials=[official("Nguyễn Văn An"), official("Trần Thị Bình")])
    pred = record(officials=[official("Nguyễn Văn An"), official("Lê Văn Cao")])
    r = one(gold, pred)
    table = r.table()
    assert "officials" in table and "(1/2)" in table and "F1 0.500" in table
    d = r.as_dict()
    assert d["fields"]["officials"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    json.dumps(r.as_dict(include_articles=True), ensure_ascii=False)


def test_load_and_cli(tmp_path, capsys):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    g = record("x1", published="2024-06-01", officials=[official("Nguyễn Văn An", role="chair")])
    (gold_dir / "x1.json").write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    (gold_dir / "x2.json").write_text(json.dumps(record("x2"), ensure_ascii=False), encoding="utf-8")
    assert set(load_gold(gold_dir)) == {"x1", "x2"}

    pred_file = tmp_path / "pred.jsonl"
    pred_file.write_text(json.dumps(g, ensure_ascii=False) + "\n\n", encoding="utf-8")
    assert set(load_predictions(pred_file)) == {"x1"}

    ids_dir = tmp_path / "ids"
    ids_dir.mkdir()
    (ids_dir / "x1.txt").write_text("", encoding="utf-8")
    assert main(["--gold", str(gold_dir), "--pred", str(pred_file), "--ids-from", str(ids_dir)]) == 0
    out = capsys.readouterr().out
    assert "1 scored" in out and "officials" in out

    assert main(["--gold", str(gold_dir), "--pred", str(pred_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["articles"] == 2 and data["no_prediction"] == ["x2"]

    assert main(["--gold", str(gold_dir), "--pred", str(pred_file), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "(no differences)" in out  # x2 is empty in gold and missing in pred: nothing differs


def test_malformed_prediction_line_names_file_and_line(tmp_path):
    pred_file = tmp_path / "bad.jsonl"
    pred_file.write_text('{"id": "a"}\n{"id": "b",\n', encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_predictions(pred_file)
    assert "bad.jsonl:2" in str(err.value)
    pred_file.write_text('{"id": "a"}\n{"no_id": 1}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        load_predictions(pred_file)
