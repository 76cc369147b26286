"""Entry point of the ``anylabel`` command.

``anylabel [PATH]`` starts the desktop app (on an image, a folder or a video).
``anylabel SUBCOMMAND ...`` runs a headless sub-command; ``anylabel --lang zh_CN SUBCOMMAND``
gives its error messages and summaries in Chinese (ADR 0033). Sub-commands are the
modules ``anylabel/cli/cmd_<name>.py``; each defines ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``, so adding one touches one file.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from types import ModuleType
from typing import Mapping

from .. import __version__
from ..core.i18n import set_language


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
    # Its own name: the gui sub-command has a --lang too, whose default would overwrite this one.
    parser.add_argument("--lang", dest="messages_lang", metavar="CODE",
                        help="language of the messages of a sub-command (errors, summaries): en (the "
                        "default) or zh_CN; given before the sub-command")
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


def display_problem(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why Qt would abort for lack of a display (Linux without a graphical session), or None.

    Qt's own failure is an abort with a core dump after a few lines about xcb plugins;
    a newcomer on a server or in a container deserves a sentence instead."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith(("linux", "freebsd", "openbsd")):
        return None  # Windows and macOS always have their own window system
    qpa = env.get("QT_QPA_PLATFORM", "").split(":")[0]
    if qpa in ("", "xcb") and (env.get("DISPLAY") or (not qpa and env.get("WAYLAND_DISPLAY"))):
        return None
    if qpa.startswith("wayland") and env.get("WAYLAND_DISPLAY"):
        return None
    if qpa not in ("", "xcb") and not qpa.startswith("wayland"):
        return None  # offscreen, vnc, eglfs, ...: the user chose a platform that needs no display
    return ("the desktop app needs a display, and this session has none (DISPLAY is not set). Start it "
            "from a desktop session, over 'ssh -X', or under a virtual display ('xvfb-run anylabel'). "
            "The sub-commands work without a display: see 'anylabel --help'.")


def run_gui(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem:
        print(f"anylabel: {problem}", file=sys.stderr)
        return 2
    try:
        from ..qt.app import run_app  # imported here so that headless commands never load Qt
    except ImportError as exc:
        print(f"anylabel: the desktop app cannot start: {exc}", file=sys.stderr)
        return 2
    return run_app(args)


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, not at exit: a closed pipe must be caught below
        return code
    except BrokenPipeError:
        # `anylabel predict --list-models | head`: the reader stopped reading, which is no
        # error of ours. Point stdout at /dev/null so that Python's final flush stays quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a command ended by SIGPIPE (128 + 13)


def _names_a_subcommand(argv: list[str], subcommands: Mapping[str, ModuleType]) -> bool:
    """Whether ``argv`` runs a sub-command (or asks for the help), a leading ``--lang CODE``
    or ``--lang=CODE`` aside; anything else starts the desktop app."""
    if argv[:1] == ["--lang"]:
        argv = argv[2:]
    elif argv and argv[0].startswith("--lang="):
        argv = argv[1:]
    return bool(argv) and (argv[0] in subcommands or argv[0] in ("gui", "-h", "--help", "--version"))


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    subcommands = discover_subcommands()
    if not argv or not _names_a_subcommand(argv, subcommands):
        # `anylabel`, `anylabel PATH`, `anylabel --config F PATH`: the desktop app.
        gui = argparse.ArgumentParser(prog="anylabel")
        add_gui_arguments(gui)
        return run_gui(gui.parse_args(argv))
    parser = build_parser(subcommands)
    args = parser.parse_args(argv)
    if args.command == "gui":
        args.lang = args.lang or args.messages_lang
        return run_gui(args)
    if args.messages_lang:
        set_language(args.messages_lang)
    return int(subcommands[args.command].run(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
