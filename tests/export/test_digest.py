import datetime as dt

from app.export.digest import OTHER_TOPIC, Selection, safe_url, translation_label
from app.export.service import load_digest


def _titles(digest):
    return {g.topic: [i.title_zh for i in g.items] for g in digest.groups}


def test_flagged_digest_leaves_out_items_already_sent_unless_asked(seeded):
    unsent = load_digest(seeded.db, Selection(flagged=True, include_sent=False))
    urls = {i.url for i in unsent.items}
    assert seeded.urls["sent"] not in urls
    assert urls == {seeded.urls[k] for k in ("ai", "data", "other")}
    again = load_digest(seeded.db, Selection(flagged=True, include_sent=True))
    assert seeded.urls["sent"] in {i.url for i in again.items}


def test_item_in_two_topics_appears_once_under_its_first_topic(seeded):
    digest = load_digest(seeded.db, Selection(flagged=True))
    ai_item = next(i for i in digest.items if i.url == seeded.urls["ai"])
    assert ai_item.topics == ["AI", "Data security"]
    assert ai_item.also_in == ["Data security"]
    assert sum(1 for i in digest.items if i.url == seeded.urls["ai"]) == 1
    assert [g.topic for g in digest.groups] == ["AI", "Data security", OTHER_TOPIC]


def test_topic_digest_puts_the_chosen_topic_first(seeded):
    digest = load_digest(seeded.db, Selection(topic="Data security"))
    assert [g.topic for g in digest.groups] == ["Data security"]
    ai_item = next(i for i in digest.items if i.url == seeded.urls["ai"])
    assert ai_item.also_in == ["AI"]
    # Newest first within the topic.
    dates = [i.date for i in digest.groups[0].items]
    assert dates == sorted(dates, reverse=True)


def test_since_digest_covers_watched_items_only(seeded):
    since = seeded.today - dt.timedelta(days=15)
    digest = load_digest(seeded.db, Selection(since=since))
    urls = {i.url for i in digest.items}
    # Matched by an enabled topic or flagged; the notice matched only by a disabled topic is out.
    assert urls == {seeded.urls[k] for k in ("ai", "std", "other")}
    assert digest.period == f"{since.isoformat()} – {seeded.today.isoformat()}"


def test_deadlines_are_soon_or_passed_relative_to_the_digest_date(seeded):
    digest = load_digest(seeded.db, Selection(flagged=True))
    by_url = {i.url: i for i in digest.items}
    assert by_url[seeded.urls["ai"]].deadline.soon
    assert by_url[seeded.urls["ai"]].deadline.label.endswith("(in 5 days)")
    assert by_url[seeded.urls["data"]].deadline.past
    assert not by_url[seeded.urls["data"]].deadline.soon
    assert digest.deadlines_soon == 1
    later = load_digest(
        seeded.db, Selection(flagged=True), today=seeded.today + dt.timedelta(days=6)
    )
    assert later.deadlines_soon == 0


def test_counts_and_translation_provenance(seeded):
    digest = load_digest(seeded.db, Selection(topic="AI"))
    assert digest.count == 2 and digest.topic_count == 1
    by_url = {i.url: i for i in digest.items}
    assert by_url[seeded.urls["ai"]].translation == "machine translation"
    assert by_url[seeded.urls["std"]].translation == ""  # human
    assert translation_label("glossary", False) == "glossary translation"
    assert translation_label("deepl", False, complete=False) == "partial machine translation"


def test_only_http_links_survive():
    assert safe_url("https://www.cac.gov.cn/a.htm") == "https://www.cac.gov.cn/a.htm"
    for bad in ("javascript:alert(1)", "data:text/html,x", "https://a.b/\r\nx", "//evil", ""):
        assert safe_url(bad) is None


def test_attachment_links_are_filtered(seeded):
    digest = load_digest(seeded.db, Selection(flagged=True))
    item = next(i for i in digest.items if i.url == seeded.urls["ai"])
    assert [a.url for a in item.attachments] == ["https://www.cac.gov.cn/files/a1.pdf"]
