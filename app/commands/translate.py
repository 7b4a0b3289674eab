"""``regwatch translate``: English for Chinese text, offline by default."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "translate",
        help="translate Chinese titles to English (offline engine unless --provider is given)",
        description="Print one English translation per TEXT. Without --provider the offline "
        "engine is used and no database is needed; with a provider, results are cached in the "
        "translation memory and the provider only fills what the offline engine left partial.",
    )
    p.add_argument("text", nargs="+", metavar="TEXT", help="Chinese text (a notice title)")
    p.add_argument("--provider", default="offline", metavar="NAME",
                   help="offline (default), openai, deepl, microsoft, google, libretranslate, "
                   "baidu, youdao or tencent")  # fmt: skip
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx) -> int:
    from app.errors import UserError
    from app.translation.providers.errors import ProviderError, UnknownProvider
    from app.translation.service import Translator, create_provider

    name = args.provider
    translator = Translator()
    db = None
    if name != "offline":
        try:
            provider = create_provider(name, ctx.config.translation)
        except UnknownProvider as exc:
            raise UserError(exc.message) from None
        except ProviderError as exc:
            raise UserError(f"the {name} provider cannot be used: {exc.message}") from None
        translator = Translator(ctx.config.translation, provider=provider)
        db = ctx.db
    status = 0
    try:
        for text in args.text:
            try:
                t = (translator.translate_title(db, text) if db is not None
                     else translator.engine.translate(text))  # fmt: skip
            except ProviderError as exc:
                print(f"regwatch: error: {name} failed: {exc.message}", file=sys.stderr)
                status = 1
                continue
            if args.json:
                print(json.dumps({
                    "text": text, "translation": t.text, "complete": t.complete,
                    "provider": t.provider, "label": t.label, "unknown": list(t.unknown),
                }, ensure_ascii=False))  # fmt: skip
            else:
                print(t.text)
    finally:
        translator.close()
    return status
