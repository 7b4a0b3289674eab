"""全国标准信息公共服务平台 (std.samr.gov.cn): national standard plans and national standards.

Both lists are JSON APIs paged by ``pageNumber``. A plan moving from 起草 to 征求意见 or 发布 is
the news, so every list row carries its stage in ``ListItem.extra["stage"]`` for the pipeline to
compare. Only some rows have a ``gbDetailed`` page: the list row alone must be enough.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.base import (
    BaseSource,
    Channel,
    Fetcher,
    LayoutError,
    ListItem,
    ListPage,
    Notice,
    SourceInfo,
    decode_json,
    register,
)
from scrapers.charset import decode_body
from scrapers.dom import definition_of, paragraphs, parse_html, select_first
from scrapers.text import clean_text, clean_title, normalise_label, parse_date

HOST = "https://std.samr.gov.cn"
DETAIL = HOST + "/gb/search/gbDetailed?id="
PLANS_URL = (
    HOST + "/gb/search/gbProcessInfoPage?searchText=&ics=&sortOrder=asc&pageSize=50&pageNumber=1"
)
STANDARDS_URL = (
    HOST
    + "/gb/search/gbQueryPage?searchText=&ics=&state=&ISSUE_DATE=&sortOrder=asc&pageSize=50&pageNumber=1"
)
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def page_url(list_url: str, page_no: int) -> str:
    """``list_url`` asking for page ``page_no`` (other parameters kept, blank ones too).

    Both paging styles the platform accepts are honoured: ``pageSize``/``pageNumber`` and
    bootstrap-table's ``limit``/``offset`` (whichever the configured URL uses). A bare state
    filter (``state=现行``) is written as the platform's query syntax ``G_STATE:"现行"``.
    """
    parts = urlsplit(list_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    keys = {k for k, _ in query}
    query = [(k, state_filter(v) if k == "state" else v) for k, v in query]
    if "offset" in keys or ("limit" in keys and "pageNumber" not in keys):
        limit = next((v for k, v in query if k == "limit" and v.isdigit()), "50")
        query = [(k, v) for k, v in query if k not in ("offset", "limit")]
        query += [("limit", limit), ("offset", str((page_no - 1) * int(limit)))]
    else:
        query = [(k, v) for k, v in query if k != "pageNumber"]
        query.append(("pageNumber", str(page_no)))
    return urlunsplit(parts._replace(query=urlencode(query)))


_STATES = ("现行", "即将实施", "废止", "被代替")


def state_filter(value: str) -> str:
    """``现行`` → ``G_STATE:"现行"``; a value already in that form (or blank) is kept."""
    value = value.strip()
    return f'G_STATE:"{value}"' if value in _STATES else value


def _rows(content: bytes, url: str) -> tuple[list[dict[str, Any]], int | None]:
    data = decode_json(decode_body(content), url, what="The standards platform")
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise LayoutError(f"{url} answered without a rows list: layout changed.", url=url)
    total = data.get("total")
    try:
        total_n = int(total) if total is not None else None
    except (TypeError, ValueError):
        total_n = None
    return [r for r in data["rows"] if isinstance(r, dict)], total_n


def _s(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return clean_title(str(value)) if value is not None else ""


def _detail_url(row: dict[str, Any]) -> str | None:
    rid = _s(row, "id")
    return DETAIL + rid if _ID.match(rid) else None


def parse_plans(content: bytes, url: str) -> list[ListItem]:
    """Rows of ``gbProcessInfoPage``: plan code, stage (CURRENT_LINK), 下达日期 (SEND_DATE)."""
    return _plan_items(_rows(content, url)[0])


def _plan_items(rows: list[dict[str, Any]]) -> list[ListItem]:
    items = []
    for row in rows:
        link, title = _detail_url(row), _s(row, "C_C_NAME")
        if not link or not title:
            continue
        extra: dict[str, Any] = {
            "plan_code": _s(row, "C_PLAN_CODE"),
            "stage": _s(row, "CURRENT_LINK"),
            "std_form": _s(row, "STD_FORM"),
            "std_nature": _s(row, "STD_NATURE"),
            "ta_name": _s(row, "TA_NAME"),
        }
        send = parse_date(_s(row, "SEND_DATE"))
        if send:
            extra["send_date"] = send
        extra = {k: v for k, v in extra.items() if v}
        items.append(ListItem(url=link, title=title, date=send, extra=extra))
    return items


def parse_standards(content: bytes, url: str) -> list[ListItem]:
    """Rows of ``gbQueryPage``: standard number, state, 发布日期 (ISSUE_DATE), 实施日期."""
    return _standard_items(_rows(content, url)[0])


def _standard_items(rows: list[dict[str, Any]]) -> list[ListItem]:
    items = []
    for row in rows:
        link, title = _detail_url(row), _s(row, "C_C_NAME")  # <sacinfo> hit tags stripped
        if not link or not title:
            continue
        issue, act = parse_date(_s(row, "ISSUE_DATE")), parse_date(_s(row, "ACT_DATE"))
        extra: dict[str, Any] = {
            "standard_number": _s(row, "C_STD_CODE"),
            "stage": _s(row, "STATE"),
            "std_nature": _s(row, "STD_NATURE"),
            "plan_code": _s(row, "C_PLAN_CODE"),
            "project_id": _s(row, "PROJECT_ID") if row.get("PROJECT_ID") else "",
            "issue_date": issue,
            "effective_date": act,
        }
        extra = {k: v for k, v in extra.items() if v}
        items.append(ListItem(url=link, title=title, date=issue, extra=extra))
    return items


def parse_detail_page(content: bytes, url: str) -> Notice:
    """A ``gbDetailed`` page: ``dt.basicInfo-item.name`` / ``dd`` pairs read by label."""
    soup = parse_html(content)
    fields: dict[str, str] = {}
    for dt_el in soup.find_all("dt"):
        dd = definition_of(dt_el)
        key = normalise_label(dt_el.get_text(""))
        if key and dd is not None and key not in fields:
            fields[key] = clean_text(dd.get_text(" "))
    if not fields:
        raise LayoutError(
            f"{url} has no label/value pairs (基础信息) any more: layout changed.", url=url
        )

    def get(*labels: str) -> str:
        for label in labels:
            for key, value in fields.items():
                if key == label or key.startswith(label + "("):
                    if value:
                        return value
        return ""

    rules = ["samr:dt-dd"]
    plan_code = get("计划号", "计划编号", "项目编号")
    standard_number = get("标准号", "标准编号")
    heading, _ = select_first(soup, ("div.page-header h4:last-of-type", "h4", "h1"))
    title = get("中文标准名称", "项目中文名称", "标准名称", "项目名称")
    if not title and heading is not None:
        title = clean_title(heading.decode_contents())
        rules.append("samr:title:heading")
    body_el, _ = select_first(soup, ("div.main-body", "div.container", "body"))
    notice = Notice(url=url, title=title, body="\n".join(paragraphs(body_el)))
    if standard_number and not plan_code:
        rules.append("samr:standard")
        notice.standard_number = standard_number
        notice.stage = get("标准状态", "状态") or None
        notice.published_date = parse_date(get("发布日期"))
        notice.plan_code = get("计划号") or None
    else:
        rules.append("samr:plan")
        notice.plan_code = plan_code or None
        notice.stage = get("当前阶段", "项目状态", "阶段") or None
        notice.published_date = parse_date(get("下达日期", "下达时间"))
        notice.standard_number = standard_number or None
    notice.effective_date = parse_date(get("实施日期"))
    english = get("英文标准名称", "项目英文名称", "英文名称")
    if english:
        notice.extra["title_en"] = english
    for key, value in fields.items():
        if value and key not in notice.extra:
            notice.extra[key] = value
    notice.rules = rules
    return notice


@register("std_samr")
class StdSamrSource(BaseSource):
    info: ClassVar[SourceInfo] = SourceInfo(
        key="std_samr",
        name_zh="全国标准信息公共服务平台",
        name_en="National Public Service Platform for Standards Information (std.samr.gov.cn)",
        home=HOST + "/",
        channels=(
            Channel(
                "plans", "国家标准计划", "National standard plans", PLANS_URL, date_kind="plan"
            ),
            Channel(
                "standards", "国家标准", "National standards", STANDARDS_URL, date_kind="issue"
            ),
        ),
        default_interval_minutes=360,
        capabilities=frozenset({"details", "paging", "standards", "conditional"}),
    )

    def list_pages(
        self, channel: Channel, fetcher: Fetcher, max_pages: int = 40
    ) -> Iterator[ListPage]:
        build = _plan_items if channel.key == "plans" else _standard_items
        count = 0
        for page_no in range(1, max_pages + 1):
            url = page_url(channel.url, page_no)
            # The first page is conditional: the search pages send no validators, but a body
            # equal to the one stored last time answers "not modified" and is not parsed.
            resp = fetcher.get(url, conditional=page_no == 1)
            if resp.not_modified:
                yield ListPage(url=url, page=page_no, items=[], not_modified=True)
                return
            rows, total = _rows(resp.content, url)
            items = build(rows)
            if not items:
                if page_no == 1:
                    raise LayoutError(
                        f"The {channel.name_en.lower()} list answered but holds no rows: layout changed.",
                        url=url,
                    )
                return
            for item in items:
                item.channel = channel.key
            yield ListPage(url=url, page=page_no, items=items)
            count += len(items)
            if total is not None and count >= total:
                return

    def fetch_detail(self, item: ListItem, fetcher: Fetcher) -> Notice:
        notice = super().fetch_detail(item, fetcher)
        # The list row is authoritative for what the page may omit.
        for field_name in ("plan_code", "standard_number", "stage"):
            if not getattr(notice, field_name) and item.extra.get(field_name):
                setattr(notice, field_name, item.extra[field_name])
        return notice

    def parse_detail(self, content: bytes, url: str) -> Notice:
        return parse_detail_page(content, url)

    def parse(self, content: bytes, url: str) -> list[ListItem] | Notice:
        path = urlsplit(url).path
        if path.endswith("/gbProcessInfoPage"):
            return parse_plans(content, url)
        if path.endswith(("/gbQueryPage", "/gbAdvancedSearchPage")):
            return parse_standards(content, url)
        if path.endswith("/gbDetailed"):
            return self.parse_detail(content, url)
        raise LayoutError(f"{url} is not a std.samr.gov.cn page this source knows.", url=url)
