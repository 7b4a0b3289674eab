"""``regwatch topics``: list, add, edit, remove, import, export and test watch topics."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.commands._args import non_negative_int
from app.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "topics",
        help="manage watch topics (list, add, edit, remove, import, export, test)",
        description="Manage watch topics. Query syntax: docs/topics.md.",
    )
    p.set_defaults(func=run, topics_command=None)
    tsub = p.add_subparsers(dest="topics_command", metavar="ACTION")

    ls = tsub.add_parser("list", help="list topics")
    ls.add_argument("--json", action="store_true", help="one JSON array")

    def topic_options(q: argparse.ArgumentParser, new: bool) -> None:
        q.add_argument("--query", required=new, help="the topic's query")
        q.add_argument("--sources", help="comma-separated source keys in scope (default: all)")
        q.add_argument("--colour", "--color", dest="colour", help="colour like #3b82f6")
        q.add_argument("--description", help="what the topic is for")

    add = tsub.add_parser("add", help="add a topic and apply it to stored notices")
    add.add_argument("--name", required=True)
    topic_options(add, True)
    add.add_argument("--no-notify", action="store_true", help="do not notify on matches")
    add.add_argument("--disabled", action="store_true", help="add it switched off")

    edit = tsub.add_parser("edit", help="change a topic (re-applied if the query changes)")
    edit.add_argument("name", help="the topic to change")
    edit.add_argument("--name", dest="new_name", help="rename it")
    topic_options(edit, False)
    edit.add_argument("--notify", dest="notify", action="store_true", default=None)
    edit.add_argument("--no-notify", dest="notify", action="store_false")
    edit.add_argument("--enable", dest="enabled", action="store_true", default=None)
    edit.add_argument("--disable", dest="enabled", action="store_false")

    rm = tsub.add_parser("remove", help="delete a topic and its matches")
    rm.add_argument("name")

    imp = tsub.add_parser("import", help="import a topic pack (TOML)")
    imp.add_argument("file")
    imp.add_argument(
        "--replace", action="store_true", help="replace topics with the same name (default: skip)"
    )

    exp = tsub.add_parser("export", help="export topics as a topic pack (TOML); FILE - is stdout")
    exp.add_argument("file")
    exp.add_argument("--topic", action="append", dest="names", help="only this topic (repeatable)")

    test = tsub.add_parser("test", help="try a query on the stored notices")
    test.add_argument("query")
    test.add_argument(
        "--sample", type=non_negative_int, default=10, metavar="N", help="how many matches to show"
    )
    test.add_argument("--json", action="store_true")


def _sources(value: str | None) -> list[str] | None:
    """The ``--sources`` list; a mistyped key would silently make the topic match nothing."""
    from scrapers.base import source_keys

    if value is None:
        return None
    items = [s.strip() for s in value.split(",") if s.strip()]
    known = source_keys()
    for key in items:
        if key not in known:
            raise UserError(f"unknown source '{key}' (known: {', '.join(known)})")
    return items or None


def _cli_sources(value: str | None) -> list[str] | None:
    """``--sources`` checked by _sources, with the option named in the message."""
    try:
        return _sources(value)
    except UserError as exc:
        raise UserError(f"--sources: {exc.message}") from None


def _user_error(exc) -> UserError:
    from app.topics.errors import QueryError

    if isinstance(exc, QueryError):
        return UserError(
            f"bad query: {exc.reason} (column {exc.position + 1}):\n  {exc.caret.replace(chr(10), chr(10) + '  ')}"
        )
    return UserError(exc.message)


def run(args: argparse.Namespace, ctx) -> int:
    from app.topics.errors import TopicError

    if args.topics_command is None:
        raise UserError(
            "say what to do with topics: list, add, edit, remove, import, export or test"
        )
    try:
        return _ACTIONS[args.topics_command](args, ctx)
    except TopicError as exc:
        raise _user_error(exc) from None


@contextmanager
def _session(ctx, *, write: bool = False) -> Iterator[Session]:
    """A session in which the default topics are installed first (on first use).

    Installing them in the same transaction as the action means a failed action (an unknown
    topic name, a bad query) rolls the installation back too: a mistake changes nothing.
    """
    from app.topics.store import install_default_topics

    ctx.config  # noqa: B018 - loading the config installs its [custom_sources] (--sources)
    with ctx.db.write() if write else ctx.db.read() as session:
        install_default_topics(session)
        yield session


def _list(args, ctx) -> int:
    from sqlalchemy import func, select

    from app.topics.pack import TopicSpec
    from app.topics.store import list_topics
    from storage.models import TopicMatch

    with _session(ctx) as s:
        counts = dict(
            s.execute(select(TopicMatch.topic_id, func.count()).group_by(TopicMatch.topic_id)).all()
        )
        topics = [(TopicSpec.of(t), counts.get(t.id, 0)) for t in list_topics(s)]
    if args.json:
        print(
            json.dumps(
                [{**spec.to_dict(), "matches": n} for spec, n in topics],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for spec, n in topics:
        flags = [] if spec.enabled else ["disabled"]
        if not spec.notify:
            flags.append("no notify")
        if spec.sources:
            flags.append("sources: " + ", ".join(spec.sources))
        extra = f" [{'; '.join(flags)}]" if flags else ""
        print(f"{spec.name}{extra} — {n} matches")
        print(f"    {' '.join(spec.query.split())}")
    return 0


def _apply_report(s, topic_id: int) -> str:
    from app.topics.store import apply_topics

    r = apply_topics(s, topics=[topic_id])
    return (
        f"{r.added} newly matched, {r.removed} no longer matching (of {r.notices} stored notices)"
    )


def _add(args, ctx) -> int:
    from app.topics.pack import DEFAULT_COLOUR, TopicSpec
    from app.topics.store import create_topic

    spec = TopicSpec(
        name=args.name,
        query=args.query,
        enabled=not args.disabled,
        notify=not args.no_notify,
        colour=args.colour or DEFAULT_COLOUR,
        sources=_cli_sources(args.sources),
        description=args.description or "",
    )
    with _session(ctx, write=True) as s:
        topic = create_topic(s, spec)
        report = _apply_report(s, topic.id) if topic.enabled else "disabled, not applied"
    print(f"added topic '{spec.name}': {report}")
    return 0


def _edit(args, ctx) -> int:
    from app.topics.store import update_topic

    changes = {
        k: v
        for k, v in {
            "name": args.new_name,
            "query": args.query,
            "colour": args.colour,
            "description": args.description,
            "notify": args.notify,
            "enabled": args.enabled,
        }.items()
        if v is not None
    }
    if args.sources is not None:
        changes["sources"] = _cli_sources(args.sources)
    if not changes:
        raise UserError("nothing to change: give --query, --name, --sources, --colour, … ")
    with _session(ctx, write=True) as s:
        topic = update_topic(s, args.name, **changes)
        reapply = {"query", "sources", "enabled"} & set(changes) and topic.enabled
        report = _apply_report(s, topic.id) if reapply else "matches unchanged"
    print(f"updated topic '{topic.name}': {report}")
    return 0


def _remove(args, ctx) -> int:
    from app.topics.store import delete_topic

    with _session(ctx, write=True) as s:
        delete_topic(s, args.name)
    print(f"removed topic '{args.name}'")
    return 0


def _import(args, ctx) -> int:
    from app.commands._files import read_text
    from app.topics.pack import loads_pack
    from app.topics.store import apply_topics, get_topic, import_topics

    path = Path(args.file)
    specs = loads_pack(read_text(path), str(path))
    for spec in specs:
        # Same rule as --sources: an unknown key would make the topic silently match nothing.
        try:
            _sources(",".join(spec.sources or []))
        except UserError as exc:
            raise UserError(f"{path}: topic '{spec.name}': {exc.message}") from None
    with _session(ctx, write=True) as s:
        report = import_topics(s, specs, "replace" if args.replace else "skip")
        changed = [get_topic(s, n).id for n in report.added + report.replaced]
        applied = apply_topics(s, topics=changed) if changed else None
    print(f"imported {path}: {report}")
    if applied:
        print(f"applied to stored notices: {applied.added} new matches")
    return 0


def _export(args, ctx) -> int:
    from app.commands._files import check_output_path, write_text_atomically
    from app.topics.store import export_topics

    if args.file != "-":
        check_output_path(args.file)
    with _session(ctx) as s:
        text = export_topics(s, args.names)
    if args.file == "-":
        sys.stdout.write(text)
        return 0
    write_text_atomically(args.file, text)
    print(f"exported {text.count('[[topics]]')} topics to {args.file}")
    return 0


def _test(args, ctx) -> int:
    from app.topics.store import test_query

    with _session(ctx) as s:
        r = test_query(s, args.query, sample=max(0, args.sample))
    if args.json:
        out = {
            "query": r.query,
            "count": r.count,
            "scanned": r.scanned,
            "seconds": round(r.seconds, 3),
            "sample": [
                {
                    "id": h.notice_id,
                    "title": h.title,
                    "title_en": h.title_en,
                    "source": h.source,
                    "published": h.published.isoformat() if h.published else None,
                    "url": h.url,
                    "explanation": h.explanation,
                    "terms": h.hits,
                }
                for h in r.sample
            ],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"{r.count} of {r.scanned} stored notices match ({r.seconds * 1000:.0f} ms)")
    for h in r.sample:
        date = h.published.isoformat() if h.published else "----------"
        print(f"  {date}  {h.title}")
        print(f"              {h.explanation}")
    return 0


_ACTIONS = {
    "list": _list,
    "add": _add,
    "edit": _edit,
    "remove": _remove,
    "import": _import,
    "export": _export,
    "test": _test,
}
