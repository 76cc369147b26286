"""Entry point of the ``anylabel`` command.

``anylabel [PATH]`` starts the desktop app (on an image, a folder or a video).
``anylabel SUBCOMMAND ...`` runs a headless sub-command. Sub-commands are the
modules ``anylabel/cli/cmd_<name>.py``; each defines ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``, so adding one touches one file.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from types import ModuleType

from .. import __version__


def discover_subcommands() -> dict[str, ModuleType]:
    """Sub-command modules by name, in alphabetical order."""
    from . import __path__ as cli_path

    found: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(cli_path), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            mod = importlib.import_module(f"{__package__}.{info.name}")
            found[mod.NAME] = mod
    return found


def build_parser(subcommands: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="anylabel",
        description="AnyLabel: AI-assisted image and video annotation. Without a sub-command, "
        "starts the desktop app.",
        epilog="Run 'anylabel SUBCOMMAND --help' for the options of a sub-command.",
    )
    parser.add_argument("--version", action="version", version=f"anylabel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    for name, mod in subcommands.items():
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
    gui = sub.add_parser("gui", help="start the desktop app (the default)")
    add_gui_arguments(gui)
    return parser


def add_gui_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", help="an image, a folder of images or a video to open")
    parser.add_argument("--config", help="settings file to use instead of ~/.anylabelrc")
    parser.add_argument("--reset-config", action="store_true", help="start from default settings")
    parser.add_argument("--lang", metavar="CODE", help="interface language for this start: en or zh_CN "
                        "(View > Language keeps one in the settings)")


def run_gui(args: argparse.Namespace) -> int:
    try:
        from ..qt.app import run_app  # imported here so that headless commands never load Qt
    except ImportError as exc:
        print(f"anylabel: the desktop app cannot start: {exc}", file=sys.stderr)
        return 2
    return run_app(args)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    subcommands = discover_subcommands()
    if not argv or (argv[0] not in subcommands and argv[0] not in ("gui", "-h", "--help", "--version")):
        # `anylabel`, `anylabel PATH`, `anylabel --config F PATH`: the desktop app.
        gui = argparse.ArgumentParser(prog="anylabel")
        add_gui_arguments(gui)
        return run_gui(gui.parse_args(argv))
    parser = build_parser(subcommands)
    args = parser.parse_args(argv)
    if args.command == "gui":
        return run_gui(args)
    return int(subcommands[args.command].run(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
