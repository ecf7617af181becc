"""`mldebt scan …` and `mldebt setup …` under one parser.

The rules know nothing of GitHub and must not import the App's set-up, so
neither package can host both commands; this one joins them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.setup import command as setup_command
from rules import cli as scan_command


def main(argv: Sequence[str] | None = None) -> int:
    args = scan_command.parser(setup_command.add_command).parse_args(argv)
    if args.command == "setup":
        return setup_command.run(args)
    return scan_command.run(args)


if __name__ == "__main__":
    sys.exit(main())
