"""Provinces, districts and news outlets of Việt Nam, from the rule files
(``pipeline/rules/provinces.json``, ``districts.json``, ``outlets.json``; their sources are
in ``models/README.md``).

Names are returned in the project's spelling (shared/GOLD.md): no "tỉnh"/"thành phố" prefix,
old-style tone placement ("Hòa Bình", "Khánh Hòa", "Thanh Hóa"), "Bắc Kạn",
"Hồ Chí Minh", "Thừa Thiên Huế" before the 2025 merger and "Huế" after.

    find_provinces(text) -> list[Match]
    find_districts(text, require_prefix=True) -> list[DistrictMatch]
    province_at_start(text), district_at_start(text, require_prefix=True): the first, if at 0
    find_outlets(text) -> list[OutletMatch]; DOMAIN_RE / find_domains(text): a domain in running text
    canonical(name) -> str | None          canonical province name for any variant
    successor(province) -> str | None      its name after the 1 July 2025 merger
    unit_on(province, date) -> entry       the unit it names on a date (both eras)
    province_of_outlet(token_or_domain) -> (source, province | None) | None
    provinces(era=None) -> list[dict]      the entries of provinces.json
    province_info(name, era=None) -> dict | None
    load()                                 build the matchers now, not at their first use
"""
from .districts import DistrictMatch, _district_matcher, district_at_start, find_districts
from .outlets import DOMAIN_RE, OutletMatch, _outlet_name_matcher, find_domains, find_outlets, province_of_outlet
from .provinces import (
    MERGER_DATE, Match, _province_matcher, canonical, find_provinces, is_post_merger, province_at_start,
    province_info, provinces, successor, unit_on,
)


def load() -> None:
    """Build the matchers of the provinces, districts and outlets now, not at their first
    use (``worker.preload``: a forked worker inherits them)."""
    for matcher in (_province_matcher, _district_matcher, _outlet_name_matcher):
        matcher()

__all__ = [
    "Match", "DistrictMatch", "OutletMatch", "DOMAIN_RE", "find_domains", "find_provinces", "find_districts",
    "province_at_start", "district_at_start", "find_outlets", "canonical", "successor", "unit_on", "is_post_merger",
    "province_of_outlet", "provinces", "province_info", "MERGER_DATE", "load",
]
