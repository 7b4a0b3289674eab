"""Topic pack files: format, version, validation errors that name the topic and key."""

from __future__ import annotations

import pytest

from app.topics import QueryError, TopicError, TopicSpec, dumps_pack, loads_pack

HEAD = 'format = "regwatch-topics"\nversion = 1\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = ", "not valid TOML"),
        ('format = "other"\nversion = 1', "not a regwatch topic pack"),
        ('format = "regwatch-topics"', "integer version"),
        ('format = "regwatch-topics"\nversion = 2', "upgrade regwatch"),
        (HEAD + "extra = 1", "unknown top-level keys: extra"),
        (HEAD + '[[topics]]\nname = "a"', "topic #1 needs a 'query' string"),
        (HEAD + '[[topics]]\nname = "a"\nquery = "x"\nnotfiy = false', "unknown keys: notfiy"),
        (
            HEAD + '[[topics]]\nname = "a"\nquery = "x"\nnotify = "no"',
            "'notify' must be true or false",
        ),
        (
            HEAD + '[[topics]]\nname = "a"\nquery = "x"\n[[topics]]\nname = "A"\nquery = "y"',
            "two topics named 'A'",
        ),
        (HEAD + '[[topics]]\nname = "a"\nquery = "x"\nsources = "cac"', "sources must be a list"),
        (HEAD + '[[topics]]\nname = "a"\nquery = "x"\naliases = [["one"]]', "at least two"),
    ],
)
def test_bad_packs_are_refused_with_a_reason(text, message):
    with pytest.raises(TopicError, match=message):
        loads_pack(text)


def test_a_bad_query_in_a_pack_names_the_topic():
    with pytest.raises(QueryError, match="topic 'broken'"):
        loads_pack(HEAD + '[[topics]]\nname = "broken"\nquery = "a OR"')


def test_packs_round_trip_with_every_field():
    spec = TopicSpec(
        "Gen AI",
        'title:"generative AI" OR 大模型\n  -征求意见稿',
        enabled=False,
        notify=False,
        colour="#123abc",
        sources=["tc260", "cac"],
        description="多行\n描述",
        aliases=[["文生视频", "text-to-video"]],
    ).validate()
    [again] = loads_pack(dumps_pack([spec]))
    assert again == spec
    assert again.sources == ["cac", "tc260"]
