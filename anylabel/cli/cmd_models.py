"""``anylabel models``: check model configs (yours or X-AnyLabeling's) and list the shipped ones.

``anylabel models check PATH...`` reads each YAML (folders: every ``*.yaml`` / ``*.yml``
in them) and prints one line per file::

    ok yolov8                     path/yolov8n.yaml
    unsupported florence2: ...    path/florence2_large_ft.yaml
    error path/x.yaml: unknown key 'conf_treshold' (did you mean 'conf_threshold'?) ...

followed by the config's warnings (keys accepted but ignored), indented. The exit code
is 1 when any file is an error, else 0. Nothing is loaded or downloaded: a config is
``ok`` when its type is registered here and the type finds nothing in it that cannot run
(``config_problem``, e.g. a TensorRT engine file), i.e. it would run given its model files.

``anylabel models list`` prints the shipped configs (as ``predict --list-models``) and
those of the folders given.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "models"
HELP = "check model configs (e.g. X-AnyLabeling's) and list the available models"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION")
    check = sub.add_parser("check", help="validate model YAMLs: ok, unsupported (why) or error (file and key)")
    check.add_argument("paths", nargs="+", help="YAML files or folders of them")
    check.add_argument("--quiet", action="store_true", help="no warning lines, only one line per file")
    ls = sub.add_parser("list", help="list the shipped model configs (and those of the folders given)")
    ls.add_argument("folders", nargs="*", help="more folders of model YAMLs")


def config_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    """The YAML files named or inside the folders named; missing paths are returned apart."""
    files: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in (".yaml", ".yml") and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            missing.append(raw)
    return files, missing


def check_file(path: Path) -> tuple[str, str, list[str]]:
    """(status, text, warnings) for one config: status is ok, unsupported or error."""
    from ..core.errors import AnyLabelError
    from ..inference import registry
    from ..inference.config import ConfigError, load_config

    try:
        cfg = load_config(path)
    except ConfigError as exc:
        return "error", str(exc), []
    except AnyLabelError as exc:  # e.g. the safe YAML loader's limits
        return "error", f"{path}: {exc}", []
    entry = registry.model_types().get(cfg.type)
    if entry is not None:
        problem = getattr(entry.cls, "config_problem", None)
        reason = problem(cfg) if problem else None
        if reason:
            return "unsupported", f"{cfg.type}: {reason}", cfg.warnings
        return "ok", cfg.type, cfg.warnings
    reason = registry.unsupported_reason(cfg.type)
    if reason:
        return "unsupported", f"{cfg.type}: {reason}", cfg.warnings
    try:
        registry.get_model_type(cfg.type)
    except ConfigError as exc:
        first = exc.problem.split(";")[0]
        hint = exc.problem.split(";", 1)[1].split("known types")[0].strip(" ;") if ";" in exc.problem else ""
        return "error", f"{path}: {first}" + (f" ({hint.rstrip('? ')}?)" if hint else ""), []
    return "ok", cfg.type, cfg.warnings  # pragma: no cover  # registered in between


def run_check(paths: list[str], quiet: bool = False) -> int:
    import logging

    logging.getLogger("anylabel.inference.config").setLevel(logging.ERROR)  # warnings are printed below
    files, missing = config_files(paths)
    counts = {"ok": 0, "unsupported": 0, "error": 0}
    for m in missing:
        print(f"error {m}: no such file or folder")
        counts["error"] += 1
    for f in files:
        status, text, warnings = check_file(f)
        counts[status] += 1
        if status == "error":
            print(f"error {text}")
        else:
            print(f"{status} {text}  {f}")
        if not quiet:
            for w in warnings:
                print(f"    warning: {w}")
    print(f"{len(files) + len(missing)} configs: {counts['ok']} ok, {counts['unsupported']} unsupported, "
          f"{counts['error']} errors", file=sys.stderr)
    return 1 if counts["error"] else 0


def run_list(folders: list[str]) -> int:
    from ..inference.config import shipped_configs
    from .cmd_predict import list_models

    list_models()
    for folder in folders:
        if not Path(folder).expanduser().is_dir():
            print(f"anylabel models list: {folder}: not a folder", file=sys.stderr)
            return 2
        configs, errors = shipped_configs(Path(folder).expanduser())
        for c in configs:
            print(f"{c.name:28s} {c.type:18s} {c.provider}: {c.title}  ({c.source})")
        for e in errors:
            print(f"(broken config) {e}", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    if args.models_command == "check":
        return run_check(args.paths, args.quiet)
    if args.models_command == "list":
        return run_list(args.folders)
    print("anylabel models: choose an action: check PATH... | list", file=sys.stderr)
    return 2
