"""Subcommands of ``regwatch``: one module each, discovered at start-up.

A command module defines ``add_parser(subparsers)`` which adds its parser(s) and sets
``func=run`` (a callable ``run(args, ctx) -> int``) with ``parser.set_defaults``. Import heavy
things (Qt, the pipeline) inside ``run`` so that ``regwatch --help`` stays fast.
"""
