"""Parsers given random or mangled input raise only ScrapeError subclasses, never crash."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers import cac, govcn
from scrapers.base import ScrapeError
from tests.corpus import ROOT

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

GOV_DETAIL = (ROOT / "hosts/www.gov.cn/zhengce/zhengceku/202407/content_6960720.htm").read_bytes()
GOV_OLD = (ROOT / "hosts/www.gov.cn/zhengce/content/2021-10/25/content_5644835.htm").read_bytes()
GOV_FEED = (ROOT / "hosts/www.gov.cn/zhengce/zuixin/ZUIXINZHENGCE@t2.json").read_bytes()
GOV_ISSUE = (ROOT / "hosts/www.gov.cn/gongbao/2017/issue_6126/index.html").read_bytes()
CAC_LIST = (ROOT / "hosts/www.cac.gov.cn/wxzw/zcfg/A093703index_1@t2.htm").read_bytes()
CAC_JSON = (ROOT / "hosts/www.cac.gov.cn/cms/JsonList/A093703_per10_p1@t2.json").read_bytes()
CAC_DETAIL = (ROOT / "hosts/www.cac.gov.cn/2023-07/13/c_1690898327029107.htm").read_bytes()

GOV_URL = "https://www.gov.cn/zhengce/content/202407/content_1.htm"
CAC_URL = "https://www.cac.gov.cn/2023-07/13/c_1.htm"

PARSERS = {
    "gov_detail": (govcn.parse_detail, GOV_URL, (GOV_DETAIL, GOV_OLD)),
    "gov_feed": (govcn.parse_feed, govcn.FEEDS["zuixin"], (GOV_FEED,)),
    "gov_issue": (govcn.parse_gazette_issue, govcn.GONGBAO_ISSUE, (GOV_ISSUE,)),
    "cac_list": (
        cac.parse_list_page,
        "https://www.cac.gov.cn/wxzw/zcfg/A093703index_1.htm",
        (CAC_LIST,),
    ),
    "cac_json": (cac.parse_json_list, cac.JSON_LIST, (CAC_JSON,)),
    "cac_detail": (cac.parse_detail, CAC_URL, (CAC_DETAIL,)),
}


@st.composite
def mutated(draw, seeds: tuple[bytes, ...]) -> bytes:
    """A corpus file with slices cut, duplicated or replaced by random bytes/markup."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        j = draw(st.integers(i, min(len(data), i + 400)))
        kind = draw(st.sampled_from(["cut", "dup", "junk", "tag"]))
        if kind == "cut":
            del data[i:j]
        elif kind == "dup":
            data[i:i] = data[i:j]
        elif kind == "junk":
            data[i:j] = draw(st.binary(max_size=60))
        else:
            tag = draw(
                st.sampled_from(
                    [
                        "<td><b>发文机关：</b></td>",
                        "</table>",
                        "<p>令</p>",
                        "<p>第x号</p>",
                        '<a href="//x/..%zz.pdf">',
                        "<br>",
                        "<li>",
                        "\ufeff",
                        "〔2024〕",
                    ]
                )
            )
            data[i:i] = tag.encode()
    return bytes(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "TITLE",
                    "URL",
                    "DOCRELPUBTIME",
                    "list",
                    "topic",
                    "infourl",
                    "pubtime",
                    "totalRec",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=12,
)


def _must_not_crash(parser, content: bytes, url: str) -> None:
    try:
        parser(content, url)
    except ScrapeError:
        pass


def _fuzz(name: str):
    parser, url, seeds = PARSERS[name]

    @FUZZ
    @given(
        st.one_of(
            st.binary(max_size=300),
            mutated(seeds),
            json_values.map(lambda v: json.dumps(v).encode()),
        )
    )
    def run(content: bytes) -> None:
        _must_not_crash(parser, content, url)

    return run


test_fuzz_govcn_detail = _fuzz("gov_detail")
test_fuzz_govcn_feed = _fuzz("gov_feed")
test_fuzz_govcn_gazette_issue = _fuzz("gov_issue")
test_fuzz_cac_list_page = _fuzz("cac_list")
test_fuzz_cac_json_list = _fuzz("cac_json")
test_fuzz_cac_detail = _fuzz("cac_detail")
