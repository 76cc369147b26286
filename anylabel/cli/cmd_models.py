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

``anylabel models quantize CONFIG_OR_ONNX --mode dynamic|static [--calibration IMAGES]``
writes an INT8 copy (``anylabel.inference.quantize``) and, for a config, a config naming it,
into ``--output`` (default ``./<name>_int8``). Exit code 0 when written, 1 when refused.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.i18n import tr

NAME = "models"
HELP = "check model configs (e.g. X-AnyLabeling's) and list the available models"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION")
    check = sub.add_parser("check", help="validate model YAMLs: ok, unsupported (why) or error (file and key)")
    check.add_argument("paths", nargs="+", help="YAML files or folders of them")
    check.add_argument("--quiet", action="store_true", help="no warning lines, only one line per file")
    ls = sub.add_parser("list", help="list the shipped model configs (and those of the folders given)")
    ls.add_argument("folders", nargs="*", help="more folders of model YAMLs")
    q = sub.add_parser("quantize", help="write an INT8 copy of a model (and a config naming it)")
    q.add_argument("source", metavar="CONFIG_OR_ONNX", help="a model name, a YAML config or an ONNX file")
    q.add_argument("--mode", choices=["dynamic", "static"], required=True,
                   help="static: weights and activations, calibrated on --calibration images (CNNs); "
                        "dynamic: MatMul weights only, no calibration (transformers)")
    q.add_argument("--calibration", metavar="IMAGES", help="folder of representative images (static mode)")
    q.add_argument("--images", type=int, default=None, metavar="N",
                   help="calibration images used at most (default 32, the first by name)")
    q.add_argument("--output", metavar="DIR", help="folder to write into (default ./NAME_int8)")


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
        print("error " + tr("{0}: no such file or folder").format(m))
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
                print("    " + tr("warning: {0}").format(w))
    print(tr("{0} configs: {1} ok, {2} unsupported, {3} errors").format(
        len(files) + len(missing), counts["ok"], counts["unsupported"], counts["error"]), file=sys.stderr)
    return 1 if counts["error"] else 0


def run_list(folders: list[str]) -> int:
    from ..inference.config import shipped_configs
    from .cmd_predict import list_models

    list_models()
    for folder in folders:
        if not Path(folder).expanduser().is_dir():
            print("anylabel models list: " + tr("{0}: not a folder").format(folder), file=sys.stderr)
            return 2
        configs, errors = shipped_configs(Path(folder).expanduser())
        for c in configs:
            print(f"{c.name:28s} {c.type:18s} {c.provider}: {c.title}  ({c.source})")
        for e in errors:
            print(f"(broken config) {e}", file=sys.stderr)
    return 0


def run_quantize(args: argparse.Namespace) -> int:
    from ..core.errors import AnyLabelError
    from ..inference.quantize import DEFAULT_IMAGES, default_output, quantize

    output = Path(args.output).expanduser() if args.output else default_output(args.source)
    if args.images is not None and args.images < 1:
        print("anylabel models quantize: " + tr("--images must be at least 1"), file=sys.stderr)
        return 2
    try:
        result = quantize(args.source, output, args.mode, args.calibration, args.images or DEFAULT_IMAGES,
                          progress=lambda msg: print(msg, file=sys.stderr))
    except AnyLabelError as exc:
        print(f"anylabel models quantize: {exc}", file=sys.stderr)
        return 1
    for path, why in result.skipped_images:
        print(tr("skipped calibration image {0}: {1}").format(path, why), file=sys.stderr)
    if result.calibration_images:
        print(tr("calibrated on {0} images").format(result.calibration_images), file=sys.stderr)
    for f in result.files:
        sim = tr(", output cosine similarity {0:.4f}").format(
            f.similarity) if f.similarity is not None else ""
        print(f"{f.how}: {f.output}  ({f.bytes_before / 1e6:.1f} MB -> {f.bytes_after / 1e6:.1f} MB{sim})")
    if result.config:
        print(f"config: {result.config}  (anylabel predict --model {result.config} ...)")
    for note in result.notes:
        print(tr("note: {0}").format(note), file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    if args.models_command == "quantize":
        return run_quantize(args)
    if args.models_command == "check":
        return run_check(args.paths, args.quiet)
    if args.models_command == "list":
        return run_list(args.folders)
    print("anylabel models: " + tr("choose an action: check PATH... | list | quantize SOURCE"),
          file=sys.stderr)
    return 2
