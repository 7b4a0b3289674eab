"""Watch topics: a bilingual query language, alias glossary, fast matcher and topic storage.

What the pipeline and the GUI call (everything else is internal):

- ``parse(query)`` / ``validate(query)`` → tree or QueryError (``.position``, ``.caret``)
- ``expand(query)`` / ``expansions(query)`` → the query with aliases spelled out
- ``Matcher(topics).match(notice)`` → [TopicHit] with ``.hits`` (offsets) and ``.explain()``
- ``match_query(query, notice)`` → TopicHit | None (preview of a draft query)
- store: ``list_topics``, ``create_topic``, ``update_topic``, ``delete_topic``,
  ``apply_topics``, ``test_query``, ``install_default_topics``, ``import_topics``, ``export_topics``
- packs: ``TopicSpec``, ``loads_pack``, ``dumps_pack``, ``default_topics``
"""

from app.topics.aliases import Expansion, Glossary, default_glossary, expand, expansions
from app.topics.ast import to_query
from app.topics.errors import QueryError, TopicError
from app.topics.matcher import Hit, Matcher, TopicHit, TopicQuery, match_query, notice_fields
from app.topics.pack import TopicSpec, default_topics, dumps_pack, loads_pack
from app.topics.parser import parse, validate

__all__ = [
    "Expansion",
    "Glossary",
    "Hit",
    "Matcher",
    "QueryError",
    "TopicError",
    "TopicHit",
    "TopicQuery",
    "TopicSpec",
    "default_glossary",
    "default_topics",
    "dumps_pack",
    "expand",
    "expansions",
    "loads_pack",
    "match_query",
    "notice_fields",
    "parse",
    "to_query",
    "validate",
]
