"""Tests for pipeline.clean: the story without the page's chrome."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import rules as rule_files
from pipeline.clean import Story, clean_story, clean_text, guess_title, load_chrome_rules
from pipeline.ingest import IngestError, RawArticle, iter_articles
from tests import SHARED

SEEDS = SHARED / "seeds"
DEV = SHARED / "dev"

needs_shared = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared is not present")


def raw_text(text: str, id_: str = "t") -> RawArticle:
    return RawArticle(id=id_, path=f"{id_}.txt", text=text, html=None)


def seed_story(name: str) -> Story:
    (article,) = list(iter_articles([SEEDS / name]))
    assert isinstance(article, RawArticle), str(article)
    return clean_story(article)


def lines_of(story: Story) -> list[str]:
    return story.text.split("\n")


# --------------------------------------------------------------------------- the seeds


@needs_shared
def test_seed_002_teasers_after_doc_them_are_cut() -> None:
    story = seed_story("002_ba60cd44bef404bb.txt")
    assert "Đọc thêm" not in lines_of(story)
    assert "Phạm Minh Chính" not in story.text
    assert "35-CT/TW" not in story.text
    assert "Trương Thị Mai" in story.text
    assert "teasers" in story.removed
    assert story.title and "Trương Thị Mai" in story.title


@needs_shared
def test_seed_000_chrome_lines_go_dateline_and_source_stay() -> None:
    story = seed_story("000_a48eaa3ae488d65b.txt")
    lines = lines_of(story)
    for chrome in ("Sign In", "Tag:", "File đính kèm"):
        assert chrome not in lines
        assert chrome not in story.text
    assert "09:35 09/01/2025" in lines
    assert "Theo baodongkhoi.vn" in lines
    assert lines[0] == "Thường trực Tỉnh ủy làm việc với các hội quần chúng tỉnh"
    assert lines[1] == "09:35 09/01/2025"
    assert story.title == lines[0]
    assert story.removed == ("chrome",)


@needs_shared
def test_seed_003_banner_counters_and_menu_go() -> None:
    story = seed_story("003_d15e57e368dbda15.txt")
    lines = lines_of(story)
    assert "NHIỆT LIỆT CHÀO MỪNG" not in story.text
    assert "Truy cập tổng" not in story.text
    assert "Thống kê truy cập" not in story.text
    for menu in ("Tìm kiếm tin tức", "Video khác", "Liên kết website", "Tỉnh ủy, UBND tỉnh",
                 "Sở, ban, ngành", "Huyện, thị xã, thành phố", "Các tin khác", "Xem tin theo ngày"):
        assert menu not in lines
    assert "Ngày cập nhật 19/04/2024" in lines
    assert "Tinhuytthue.vn" in lines
    assert lines[0].startswith("Hội nghị giao ban Mặt trận Tổ quốc")
    assert {"banner", "menu", "chrome", "teasers"} <= set(story.removed)


@needs_shared
def test_seed_001_and_004_trailing_markers_and_player_go() -> None:
    s001 = seed_story("001_25f60799aa6f4e8a.txt")
    assert not s001.text.endswith("Tin khác")
    assert "Lượt xem" not in s001.text
    # The byline just above the marker is kept for later stages.
    raw001 = (SEEDS / "001_25f60799aa6f4e8a.txt").read_text(encoding="utf-8")
    raw_lines = [line.strip() for line in raw001.splitlines() if line.strip()]
    assert raw_lines[-1] == "Tin khác"
    assert lines_of(s001)[-1] == raw_lines[-2]

    s004 = seed_story("004_e8697756f89121f3.txt")
    assert "0:00" not in s004.text
    assert not s004.text.endswith("Xem thêm")
    assert lines_of(s004)[1].startswith("BBK")  # the outlet tag of the lead stays


def all_shared_articles() -> list[Path]:
    if not SEEDS.is_dir():
        return []
    return sorted(SEEDS.glob("*.txt")) + sorted(DEV.glob("*.txt"))


@needs_shared
@pytest.mark.parametrize("path", all_shared_articles(), ids=lambda p: p.name)
def test_every_shared_text_cleans_to_a_story(path: Path) -> None:
    (article,) = list(iter_articles([path]))
    assert not isinstance(article, IngestError), str(article)
    story = clean_story(article)
    assert story.text.strip()
    assert story.id == path.stem and story.path == str(path)
    assert "\n\n" not in story.text and "\r" not in story.text
    assert all(line == line.rstrip() for line in story.text.split("\n"))
    # Cleaning only removes lines; it never invents text.
    original = set(line.rstrip() for line in article.text.split("\n"))
    assert set(story.text.split("\n")) <= original


@needs_shared
def test_crawler_date_line_is_kept() -> None:
    path = DEV / "web_0e173948666d.txt"
    if not path.exists():
        pytest.skip("dev text not present")
    (article,) = list(iter_articles([path]))
    story = clean_story(article)
    assert story.text.startswith(" date 2023-10")


# --------------------------------------------------------------------------- plain-text rules
# The texts below are written for these tests.

STORY_LINE = (
    "Sáng 12/3, Thường trực Tỉnh ủy làm việc với Hội Cựu chiến binh tỉnh về kết quả "
    "hoạt động năm qua và nhiệm vụ năm nay."
)


def test_teaser_marker_cuts_to_the_end_with_colon_and_case() -> None:
    text = f"Tiêu đề bài viết về hội nghị của tỉnh\n{STORY_LINE}\nTIN LIÊN QUAN:\nBài khác hoàn toàn\n"
    story = clean_story(raw_text(text))
    assert story.text == f"Tiêu đề bài viết về hội nghị của tỉnh\n{STORY_LINE}"
    assert story.removed == ("teasers",)


def test_teaser_marker_as_first_line_only_drops_the_line() -> None:
    story = clean_story(raw_text(f"Tin mới\n{STORY_LINE}\nĐoạn hai của bài viết này dài đủ chữ."))
    assert story.text == f"{STORY_LINE}\nĐoạn hai của bài viết này dài đủ chữ."
    assert "teasers" not in story.removed


def test_marker_inside_a_top_menu_does_not_cut_the_story() -> None:
    text = f"Trang chủ\nTin mới\nTiêu đề bài viết về hội nghị của tỉnh\n{STORY_LINE}"
    story = clean_story(raw_text(text))
    assert STORY_LINE in story.text
    assert "Tin mới" not in story.text


@pytest.mark.parametrize(
    "line",
    [
        "Sign In", "Đăng nhập", "Đăng ký", "Tag:", "Tags:", "Từ khóa:", "Từ khóa: hội, mặt trận",
        "File đính kèm", "Chia sẻ", "In bài", "Cỡ chữ +-", "Lượt xem: 2712", "143 lượt đọc",
        "Truy cập tổng 2.595.954", "Truy cập hiện tại 133", "Thống kê truy cập",
        "Tìm kiếm tin tức", "Video khác", "Liên kết website",
        "Theo dõi Báo Mẫu trên Google News", "0:00 / 0:00", "0:00", "img_2282.jpg",
        "26-12-hndvn3.jpg", "Logo Cổng Thông Tin", "|", ".", "* * *",
    ],
)
def test_chrome_lines_are_dropped(line: str) -> None:
    story = clean_story(raw_text(f"{STORY_LINE}\n{line}\nĐoạn cuối của bài viết có đủ chữ."))
    assert story.text == f"{STORY_LINE}\nĐoạn cuối của bài viết có đủ chữ."
    assert story.removed == ("chrome",)


@pytest.mark.parametrize(
    "line",
    [
        "09:35 09/01/2025",
        "Ngày cập nhật 19/04/2024",
        "Thứ Ba, ngày 17/06/2025 | 08:39",
        "Bạch Thanh 26/12/2023 10:55",
        "Ngày đăng: 24/09/2018 - 143 lượt đọc",
        "Tin, ảnh: Nguyễn Văn Mẫu",
        "Theo baomau.vn",
        "Quang cảnh hội nghị. Ảnh: Trần Mẫu",
        "Chia sẻ, trao đổi kinh nghiệm giữa các hội được đẩy mạnh.",
        "UBND tỉnh",
    ],
)
def test_datelines_bylines_and_captions_are_kept(line: str) -> None:
    text = f"Tiêu đề bài viết về hội nghị của tỉnh\n{line}\n{STORY_LINE}"
    assert clean_story(raw_text(text)).text == text


def test_crawler_date_prefix_is_kept_verbatim() -> None:
    text = f" date 2024-05 {STORY_LINE}"
    story = clean_story(raw_text(text))
    assert story.text == text
    assert story.title is None


def test_banner_in_capitals_is_dropped_but_abbreviations_are_not() -> None:
    text = (
        "NHIỆT LIỆT CHÀO MỪNG ĐẠI HỘI ĐẠI BIỂU HỘI NÔNG DÂN TỈNH LẦN THỨ X\n"
        f"{STORY_LINE}\nUBND tỉnh và MTTQ tỉnh cùng dự hội nghị tổng kết."
    )
    story = clean_story(raw_text(text))
    assert story.text == f"{STORY_LINE}\nUBND tỉnh và MTTQ tỉnh cùng dự hội nghị tổng kết."
    assert story.removed == ("banner",)


def test_menu_run_at_the_top_is_dropped() -> None:
    text = (
        "Giới thiệu\nTin tức, sự kiện\nVăn bản\nLiên hệ\n"
        f"Tiêu đề bài viết về hội nghị của tỉnh\n{STORY_LINE}"
    )
    story = clean_story(raw_text(text))
    assert story.text == f"Tiêu đề bài viết về hội nghị của tỉnh\n{STORY_LINE}"
    assert story.removed == ("menu",)
    assert story.title == "Tiêu đề bài viết về hội nghị của tỉnh"


def test_two_short_lines_at_the_top_are_not_a_menu() -> None:
    text = f"Thời sự\nHội nghị giao ban\n{STORY_LINE}"
    assert clean_story(raw_text(text)).text == text


def test_blank_runs_trailing_spaces_and_crlf() -> None:
    text = f"Tiêu đề bài viết về hội nghị của tỉnh   \r\n\r\n\r\n\n{STORY_LINE}  \n\n"
    story = clean_story(raw_text(text))
    assert story.text == f"Tiêu đề bài viết về hội nghị của tỉnh\n{STORY_LINE}"


def test_text_is_nfc() -> None:
    decomposed = "Hô\u0323i nghi\u0323 tô\u0309ng kê\u0301t công ta\u0301c hô\u0323i"
    story = clean_story(raw_text(decomposed))
    assert story.text == "Hội nghị tổng kết công tác hội"


def test_all_chrome_falls_back_to_the_page_rather_than_nothing() -> None:
    story = clean_story(raw_text("Sign In\nTag:\n"))
    assert story.text == "Sign In\nTag:"


def test_empty_article_does_not_raise() -> None:
    story = clean_story(RawArticle(id="e", path="e.txt", text=None, html=None))
    assert story.text == "" and story.title is None


def test_guess_title() -> None:
    assert guess_title(f"Chính trị\nTiêu đề bài viết về hội nghị\n{STORY_LINE}") == (
        "Tiêu đề bài viết về hội nghị"
    )
    assert guess_title(f"{STORY_LINE}\nĐoạn hai.") is None
    assert guess_title(f"Thứ Ba, ngày 17/06/2025 | 08:39\n{STORY_LINE}") is None
    assert guess_title(" date 2025-07-15 Công bố quyết định thành lập hội cấp tỉnh") == (
        "Công bố quyết định thành lập hội cấp tỉnh"
    )


def test_metadata_passes_through_from_jsonl() -> None:
    raw = RawArticle(
        id="j1", path="x.jsonl", text=STORY_LINE, html=None,
        url="https://baomau.example.vn/tin/1", published="2024-03-12", line=4,
    )
    story = clean_story(raw)
    assert story.url == raw.url and story.published == "2024-03-12"
    assert story.source_hint == "baomau.example.vn"


# --------------------------------------------------------------------------- HTML

HTML_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Hội Nông dân tỉnh tổng kết công tác năm 2024 | Báo Mẫu Điện Tử</title>
<meta property="og:title" content="Hội Nông dân tỉnh tổng kết công tác năm 2024">
<meta property="og:site_name" content="Báo Mẫu Điện Tử">
<meta property="article:published_time" content="2024-12-20T08:30:00+07:00">
<script>var quangCao = "Mã quảng cáo không được lọt vào bài";</script>
<style>body { font-family: serif; }</style>
</head><body>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li>
<li><a href="/xa-hoi">Xã hội</a></li></ul></nav>
<main><article>
<h1>Hội Nông dân tỉnh tổng kết công tác năm 2024</h1>
<p class="date">20/12/2024 08:30</p>
<p>Sáng 19/12, Hội Nông dân tỉnh tổ chức hội nghị tổng kết công tác hội và phong trào nông dân
năm 2024, triển khai nhiệm vụ năm 2025 với sự tham dự của đông đảo cán bộ, hội viên.</p>
<p>Dự hội nghị có đồng chí Nguyễn Văn Mẫu, Phó Bí thư Tỉnh ủy, cùng lãnh đạo các sở, ban,
ngành của tỉnh và đại diện các huyện, thị xã, thành phố trong tỉnh.</p>
<p>Năm qua, các cấp hội đã vận động hội viên tham gia nhiều mô hình sản xuất hiệu quả, góp
phần nâng cao thu nhập và xây dựng nông thôn mới trên địa bàn tỉnh.</p>
<p>Phát biểu tại hội nghị, đồng chí Nguyễn Văn Mẫu đề nghị các cấp hội tiếp tục đổi mới nội
dung, phương thức hoạt động, hướng về cơ sở và chăm lo đời sống hội viên.</p>
</article>
<aside class="related"><h3>Tin liên quan</h3><ul>
<li><a href="/a">Thủ tướng Trần Văn Khác làm việc với tỉnh bạn về phát triển kinh tế</a></li>
<li><a href="/b">Hội Phụ nữ huyện tổ chức đại hội điểm nhiệm kỳ mới</a></li></ul></aside>
</main>
<footer><p>Cơ quan chủ quản: Báo Mẫu Điện Tử. Giấy phép số 123/GP-BTTTT.</p></footer>
</body></html>
"""


def test_html_page_through_trafilatura() -> None:
    raw = RawArticle(id="h", path="h.html", text=None, html=HTML_PAGE)
    story = clean_story(raw)
    assert story.title == "Hội Nông dân tỉnh tổng kết công tác năm 2024"
    assert story.published == "2024-12-20"
    assert story.source_hint == "Báo Mẫu Điện Tử"
    assert story.text.split("\n")[0] == story.title
    for paragraph in ("Sáng 19/12, Hội Nông dân tỉnh", "Dự hội nghị có đồng chí Nguyễn Văn Mẫu",
                      "Năm qua, các cấp hội", "Phát biểu tại hội nghị, đồng chí Nguyễn Văn Mẫu"):
        assert paragraph in story.text
    for chrome in ("quangCao", "quảng cáo", "font-family", "Trang chủ", "Thời sự",
                   "Trần Văn Khác", "Hội Phụ nữ huyện", "Giấy phép", "Cơ quan chủ quản"):
        assert chrome not in story.text
    assert "boilerplate" in story.removed
    # One paragraph a line: the wrapped source lines are joined.
    assert any(line.startswith("Sáng 19/12") and line.endswith("hội viên.")
               for line in story.text.split("\n"))


def test_html_via_ingest_file(tmp_path: Path) -> None:
    path = tmp_path / "trang.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    (article,) = list(iter_articles([path]))
    assert isinstance(article, RawArticle)
    story = clean_story(article)
    assert story.id == "trang" and "Nguyễn Văn Mẫu" in story.text


def test_html_without_an_article_falls_back() -> None:
    raw = RawArticle(id="n", path="n.html", text=None, html="<html><body><p>Hội nghị</p></body></html>")
    story = clean_story(raw)
    assert "Hội nghị" in story.text


def test_html_garbage_does_not_raise() -> None:
    raw = RawArticle(id="g", path="g.html", text=None, html="<<<>>> \x0b")
    clean_story(raw)  # must not raise


# --------------------------------------------------------------------------- the rules file


def test_rules_file_shape() -> None:
    data = rule_files.read("chrome.json")
    assert data["_source"]
    assert isinstance(data["teaser_markers"], list) and "Đọc thêm" in data["teaser_markers"]
    assert isinstance(data["chrome_lines"], list) and data["chrome_lines"]
    rules = load_chrome_rules()
    assert rules is load_chrome_rules()  # loaded once
    assert rules.is_teaser_marker("  xem THÊM : ")


def test_clean_text_reports_kinds() -> None:
    removed: list[str] = []
    out = clean_text(f"Sign In\n{STORY_LINE}\nĐọc thêm\nBài khác", removed=removed)
    assert out == STORY_LINE
    assert removed == ["chrome", "teasers"]


def _banner_by_definition(rules, line: str) -> bool:
    """``rules/chrome.json``'s banner, counted letter by letter (``is_banner`` rejects most
    lines sooner)."""
    from pipeline.clean import _DATE_OR_TIME

    if len(line.split()) < rules.banner_min_words or _DATE_OR_TIME.search(line):
        return False
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) >= rules.banner_min_upper_share


@needs_shared
def test_banner_test_is_its_definition_on_every_line_and_random_lines() -> None:
    import random

    rules = load_chrome_rules()
    lines = [line for folder in ("seeds", "dev", "dev2", "offtopic")
             for f in sorted((SHARED / folder).glob("*.txt")) for line in f.read_text(encoding="utf-8").split("\n")]
    rng = random.Random(3)
    pieces = ["HỘI", "NÔNG", "DÂN", "Việt", "nam", "a", "B", "đ", "Đ", "x", "Y", "1", "12/3", " ", "  ", ",", "!"]
    lines += ["".join(rng.choice(pieces) + " " for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    assert sum(map(rules.is_banner, lines)) > 10
    for line in lines:
        assert rules.is_banner(line) == _banner_by_definition(rules, line), line


@needs_shared
def test_teaser_marker_test_is_its_definition_on_every_line_and_marker_variants() -> None:
    rules = load_chrome_rules()
    markers = rule_files.Rules.default().chrome.teaser_markers
    lines = [line for folder in ("seeds", "dev", "dev2", "offtopic")
             for f in sorted((SHARED / folder).glob("*.txt")) for line in f.read_text(encoding="utf-8").split("\n")]
    # casefold lengthens "ẞ" and "ŉ": a line of them is longer than the marker it folds to
    variants = [f"  {v} :: " for m in markers for v in (m, m.upper(), m.title())]
    variants += ["ẞ" * 3, "ŉ Đọc thêm", "Đọc thêm" + "ẞ"]
    assert all(rules.is_teaser_marker(f"  {m.upper()} : ") for m in markers)
    for line in lines + variants:
        key = line.strip().rstrip(":").strip().casefold()
        assert rules.is_teaser_marker(line) == (key in rules.teaser_markers), line
