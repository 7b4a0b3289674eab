"""Title frames: "X关于印发《Y》的通知", comment solicitations, approvals of standards, orders.

Each frame reads one formula of Chinese official titles and returns raw English, leaving the
document names to the Composer and the issuer names to the IssuerParser.
"""

from __future__ import annotations

import re

from app.translation.compose import Composer, Unknowns
from app.translation.issuers import IssuerParser, Issuers
from app.translation.text import ZH_NUMBER, title_case, zh_int

_STD_QUAL = r"(?:强制性|推荐性)?(?:国家标准|行业标准|国家军用标准|团体标准)(?:计划)?"
_OBJECT = re.compile(
    rf"^(?P<q1>{_STD_QUAL})?(?P<docs>《.+》)"
    rf"(?P<ver>[VvＶ]?\d+(?:\.\d+)*版)?(?P<draft>（?征求意见稿）?)?(?P<etc>等(?:{ZH_NUMBER})?项?)?(?P<q2>{_STD_QUAL})?$"
)
_DOC = re.compile(r"《([^《》]+)》")
_DOC_JOINERS = re.compile(r"^[和、及与以及，]*$")
_QUALIFIERS = {
    "强制性国家标准": "Mandatory National Standard",
    "推荐性国家标准": "Recommended National Standard",
    "国家标准": "National Standard",
    "行业标准": "Industry Standard",
    "团体标准": "Group Standard",
    "国家军用标准": "National Military Standard",
    "国家标准计划": "National Standard Plan",
}
_SOLICIT = [
    # 《Y（征求意见稿）》公开征求意见 (CAC), 就《Y》公开征求意见
    (re.compile(r"^(?:就|对)?(?P<obj>.+?)(?P<pub>公开)?征求意见$"), "Soliciting Comments on"),
    # (公开)征求(对)《Y》(的)意见(建议)
    (
        re.compile(r"^(?P<pub>公开)?征求(?:对)?(?P<obj>.+?)(?:的)?意见(?:建议)?$"),
        "Soliciting Comments on",
    ),
]
# 开展/组织开展/做好 X 工作: the work frame of MIIT / State Council notices.
_WORK = re.compile(
    r"^(?P<adv>进一步|扎实|切实|认真)?(?P<verb>组织开展|开展|做好|组织|启动)(?P<x>.+?)工作$"
)
_WORK_VERBS = {
    "组织开展": "Organizing",
    "开展": "Carrying Out",
    "做好": "Effectively Carrying Out",
    "组织": "Organizing",
    "启动": "Launching",
}
_WORK_ADVERBS = {"进一步": "Further", "扎实": "Solidly", "切实": "Effectively", "认真": "Earnestly"}
# 《X》等N项推荐性国家标准(外文版)(和M项国家标准修改单)
_COUNTED = re.compile(
    rf"^(?P<docs>《[^《》]+》)等(?P<n>{ZH_NUMBER})项(?P<q>{_STD_QUAL})(?P<foreign>外文版)?"
    rf"(?:和(?P<m>{ZH_NUMBER})项(?:国家标准|行业标准)修改单)?$"
)
# GB 7258-2017《X》国家标准第1号修改单
_AMENDMENT = re.compile(
    rf"^(?P<code>(?:GB|GB/T|GB/Z)\s*[\d.]+[—-]\d{{4}})?\s*(?P<docs>《[^《》]+》)"
    rf"(?P<q>国家标准|行业标准)?第(?P<n>{ZH_NUMBER})号修改单$"
)
_FORWARDS = re.compile(r"^(.*?)(转发|批转|印发)(.*)$")
_FORWARD_VERBS = {"转发": "Forwarding", "批转": "Approving and Forwarding", "印发": "Issuing"}
_NUMBER_SUFFIX = re.compile(r"（(?:(\d{4})年)?第?(\d+|[零〇一二三四五六七八九十百]+)号）$")


def inside_brackets(text: str, index: int) -> bool:
    return text.count("《", 0, index) > text.count("》", 0, index)


def doc_number(match: re.Match[str]) -> str:
    """（2016年第66号） -> No. 66 of 2016; （第九十一号） -> No. 91."""
    year, num = match.group(1), match.group(2)
    n = zh_int(num) if not num.isdigit() else int(num)
    return f"No. {n} of {year}" if year else f"No. {n}"


class Frames:
    def __init__(self, composer: Composer, issuers: IssuerParser):
        self.c = composer
        self.issuers = issuers
        self.lex = composer.lex

    # -- X关于Z的GENRE -----------------------------------------------------------------------

    def about(self, t: str, unk: Unknowns) -> str | None:
        """'Notice of X on Z' for titles with 关于 outside 《》."""
        i = t.find("关于")
        if i < 0 or inside_brackets(t, i):
            return None
        prefix, rest = t[:i].strip(), t[i + 2 :].strip()
        number = ""
        if m := _NUMBER_SUFFIX.search(rest):
            number, rest = f" ({doc_number(m)})", rest[: m.start()].rstrip()
        if prefix and (en := self._forwarded(prefix, rest, unk)):
            return en + number
        issuers: Issuers | None = None
        if prefix:
            issuers = self.issuers.parse(prefix, unk) or Issuers(
                names=[self.issuers.unknown(prefix, unk)]
            )
        genre, body = self.split_genre(rest)
        body_en = self.body(body, unk) if body else ""
        head = genre or ""
        if issuers:
            head = f"{head} of {issuers.english()}" if head else issuers.english()
        if body_en:
            head = f"{head} on {body_en}" if head else f"On {body_en}"
        return head + number

    def _forwarded(self, prefix: str, rest: str, unk: Unknowns) -> str | None:
        """'X转发Y关于Z意见的通知' -> 'Notice of X on Forwarding the Opinions of Y on Z'
        (批转: 'Approving and Forwarding'). X may be left out (转发Y关于…) and so may Y
        (X转发关于Z的报告的通知); 'X印发[Y]关于Z的通知' issues the document 'Y关于Z'.
        None unless X, when given, is a known issuer."""
        m = _FORWARDS.match(prefix)
        if not m or not (m.group(1) or m.group(3)):
            return None
        by = None
        if m.group(1):
            probe = Unknowns()
            by = self.issuers.parse(m.group(1), probe)
            if by is None or probe.items:
                return None
        genre, body = self.split_genre(rest)
        lead = f"{genre or 'Notice'} of {by.english()}" if by else genre or "Notice"
        src, verb = m.group(3), _FORWARD_VERBS[m.group(2)]
        source = None
        if src:
            probe = Unknowns()
            source = self.issuers.parse(src, probe)
            if source is None or probe.items:
                if m.group(2) != "印发":
                    source = self.issuers.parse(src, unk) or Issuers(
                        names=[self.issuers.unknown(src, unk)]
                    )
                else:  # 印发贯彻落实X关于Y意见的方案: the document's name runs through 关于
                    return f"{lead} on {verb} {self._the(src + '关于' + body, unk)}"
        inner, body = self.split_genre(body) if body else (None, body)
        if source is None and not inner:
            return f"{lead} on {verb} {self._the(body, unk)}"
        if source is None:
            what = f"the {inner}"
        else:
            what = f"the {inner} of {source.english()}" if inner else source.english()
        head = f"{lead} on {verb} {what}"
        body_en = self.body(body, unk) if body else ""
        return f"{head} on {body_en}" if body_en else head

    def _the(self, name: str, unk: Unknowns) -> str:
        """'the Plan for …' for a document's name; 'the Document on Accelerating …' when the
        name has no document-type head and reads as an action."""
        en = self.c.document(name, unk)
        if en.split(" ", 1)[0].endswith("ing"):
            return f"the Document on {en}"
        return f"the {en}"

    def split_genre(self, rest: str) -> tuple[str | None, str]:
        for zh in sorted(self.lex.genres, key=len, reverse=True):
            if rest.endswith("的" + zh):
                return self.lex.genres[zh], rest[: -len(zh) - 1]
        for zh in sorted(self.lex.genres, key=len, reverse=True):
            if rest.endswith(zh) and len(rest) > len(zh) and not rest.endswith("征求意见"):
                return self.lex.genres[zh], rest[: -len(zh)]
        return None, rest

    def body(self, body: str, unk: Unknowns) -> str:
        """What the document is about: an action on documents, or a composed phrase."""
        if (m := _WORK.match(body)) and (work := self.work(m, unk)):
            return work
        for pattern, verb in _SOLICIT:
            m = pattern.match(body)
            if m and (obj := self.object(m.group("obj"), unk, loose=False)):
                public = "Publicly " if m.group("pub") else ""
                return f"{public}{verb} {obj}"
        for zh in sorted(self.lex.frame_verbs, key=len, reverse=True):
            if body.startswith(zh) and len(body) > len(zh):
                loose = zh in ("印发", "发布", "公布", "转发", "批转", "下达")
                obj = self.object(body[len(zh) :], unk, loose=loose)
                if obj:
                    return f"{self.lex.frame_verbs[zh]} {obj}"
                break
        if body.startswith("《") and body.endswith("》") and body.count("《") == 1:
            return (self.object(body, unk, loose=False) or "").strip() or body
        en = title_case(self.c.phrase(body, unk))
        return "the " + en[4:] if en.startswith("The ") else en

    def work(self, m: re.Match[str], unk: Unknowns) -> str | None:
        """'开展X征集工作' -> 'Soliciting the X'; '开展X备案工作' -> 'Carrying Out the Filing of X'."""
        verb = _WORK_VERBS[m.group("verb")]
        adv = _WORK_ADVERBS.get(m.group("adv") or "", "")
        x = m.group("x")
        lead = f"{adv} {verb}" if adv else verb
        for zh, en in (("征集", "Soliciting"), ("申报", "Applying for"), ("遴选", "Selecting")):
            if x.endswith(zh) and len(x) > len(zh):
                np = title_case(self.c.render(self.c.tokens(x[: -len(zh)], unk), pivot=False))
                return f"{adv} {en} the {np}".strip()
        tokens = self.c.tokens(x, unk)
        first = next((t for t in tokens if t.kind != "adverb"), None)
        if first is not None and first.kind == "verb":
            return f"{lead} the Work of {title_case(self.c.render(tokens))}"
        np = title_case(self.c.render(tokens))
        if np.startswith("The "):  # the X ends with an action: 'the Filing of …'
            return f"{lead} the {np[4:]}"
        with_work = title_case(self.c.render(self.c.tokens(x + "工作", Unknowns())))
        if " Work " in with_work:  # a group moved after the head: '… Work for Graduates'
            return f"{lead} the {with_work}"
        return f"{lead} the {np} Work"

    def counted(self, obj: str, unk: Unknowns) -> str | None:
        """Approvals of many standards: '278 Recommended National Standards Including “X”'."""
        if m := _COUNTED.match(obj):
            names = _DOC.findall(m.group("docs"))
            n = zh_int(m.group("n")) if not m.group("n").isdigit() else int(m.group("n"))
            qual = _QUALIFIERS.get(m.group("q"), "National Standard")
            first = f"“{self.c.document(names[0], unk)}”"
            plural = "s" if n != 1 else ""
            en = f"{n} {qual}{plural} Including {first}"
            if m.group("foreign"):
                en = f"Foreign-Language Versions of {en}"
            if m.group("m"):
                k = zh_int(m.group("m")) if not m.group("m").isdigit() else int(m.group("m"))
                en += f" and {k} Amendment{'s' if k != 1 else ''} to National Standards"
            return en
        if m := _AMENDMENT.match(obj):
            names = _DOC.findall(m.group("docs"))
            n = zh_int(m.group("n")) if not m.group("n").isdigit() else int(m.group("n"))
            code = f"{m.group('code')} " if m.group("code") else ""
            qual = _QUALIFIERS.get(m.group("q") or "国家标准", "National Standard")
            return f"Amendment No. {n} to the {qual} {code}“{self.c.document(names[0], unk)}”"
        return None

    def object(self, obj: str, unk: Unknowns, *, loose: bool) -> str | None:
        """'the Y', 'the Mandatory National Standard "Y"', '"Y" and Other … Standards'."""
        obj = obj.strip()
        if "项" in obj or "修改单" in obj:
            if counted := self.counted(obj, unk):
                return counted
        m = _OBJECT.match(obj)
        if not m:
            if loose and "《" not in obj:
                return "the " + self.c.document(obj, unk)
            return None
        docs_text = m.group("docs")
        names = _DOC.findall(docs_text)
        if not names or not _DOC_JOINERS.match(_DOC.sub("", docs_text)):
            return None
        qual = m.group("q1") or m.group("q2") or ""
        qual_en = _QUALIFIERS.get(qual, "")
        if qual_en:
            titles = [f"“{self.c.document(n, unk)}”" for n in names]
        else:
            titles = [self.c.document(n, unk) for n in names]
        draft = " (Draft for Comment)" if m.group("draft") else ""
        if m.group("ver"):
            draft = f" (Version {m.group('ver').strip('Vv版')})" + draft
        joined = " and the ".join(titles) if not qual_en else " and ".join(titles)
        if m.group("etc"):
            plural = f"{qual_en}s" if qual_en else "Documents"
            return f"{joined}{draft} and Other {plural}"
        if qual_en:
            plural = "s" if len(names) > 1 else ""
            return f"the {qual_en}{plural} {joined}{draft}"
        if joined.startswith("“") and len(names) == 1:
            return f"{joined}{draft}"  # a name in quotes takes no article
        return f"the {joined}{draft}"

    # -- other frames ------------------------------------------------------------------------

    def issued_by(self, t: str, unk: Unknowns) -> str | None:
        """'中办国办印发《Y》' -> 'General Offices … Issue the Y' (news-style titles)."""
        m = re.match(r"^(.+?)(印发|发布|公布)(《.+》.*)$", t)
        if not m:
            return None
        probe = Unknowns()
        issuers = self.issuers.parse(m.group(1), probe)
        if issuers is None or probe.items:
            return None
        obj = self.object(m.group(3), unk, loose=False)
        if not obj:
            return None
        verb = {"印发": "Issue", "发布": "Release", "公布": "Publish"}[m.group(2)]
        many = len(issuers.names) > 1 or issuers.others or issuers.count_only > 1
        subject = issuers.english()
        subject = subject[0].upper() + subject[1:]
        return f"{subject} {verb if many else verb + 's'} {obj}"

    def forward(self, t: str, unk: Unknowns) -> str | None:
        """'国务院办公厅转发国家发展改革委《Y》的通知' -> 'Notice of … on Forwarding the Y by …'."""
        m = re.match(r"^(.+?)转发(.*?)(《[^《》]+》)的(通知|通告|公告)$", t)
        if not m:
            return None
        probe = Unknowns()
        by = self.issuers.parse(m.group(1), probe)
        if by is None or probe.items:
            return None
        genre = self.lex.genres[m.group(4)]
        obj = self.object(m.group(3), unk, loose=False)
        if obj is None:
            return None
        head = f"{genre} of {by.english()} on Forwarding {obj}"
        if m.group(2):
            source = self.issuers.parse(m.group(2), unk) or Issuers(
                names=[self.issuers.unknown(m.group(2), unk)]
            )
            head += f" by {source.english()}"
        return head

    def order(self, t: str, unk: Unknowns, translate) -> str | None:
        """'中华人民共和国交通运输部令（2016年第66号） Y' -> 'Order of the … (No. 66 of 2016): Y'."""
        m = re.match(r"^(.+?)令(（[^（）]*号）)\s*(.*)$", t)
        if not m:
            return None
        who, num, rest = m.group(1).strip(), m.group(2), m.group(3)
        nm = _NUMBER_SUFFIX.search(num)
        number = f" ({doc_number(nm)})" if nm else ""
        if who.replace("中华人民共和国", "") == "主席":
            head = "Order of the President of the People's Republic of China"
        else:
            issuers = self.issuers.parse(who, unk)
            if issuers is None:
                return None
            head = f"Order of {issuers.english()}"
        head += number
        return f"{head}: {translate(rest, unk)}" if rest else head
