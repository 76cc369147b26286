"""INT8 copies of models with ONNX Runtime's quantisation: ``anylabel models quantize``.

Two modes (ADR 0023):

- ``static``: weights *and* activations in 8 bits, ranges fixed beforehand from calibration
  images (QDQ format, uint8 activations, per-channel int8 weights: the form ONNX Runtime's CPU
  provider fuses into integer kernels; VNNI makes it fast on x86). Only the part of the graph
  that leads to a Conv/MatMul/Gemm is quantised: the tail after the last one (a detector's box
  decoding, which puts pixel coordinates and 0-1 scores into one tensor that no single 8-bit
  scale can hold) stays float. This is the mode for convolutional models.
- ``dynamic``: int8 weights of MatMul layers, activations quantised at run time; no
  calibration. Convolutions stay float: ONNX Runtime's ConvInteger is slower than its float
  Conv on CPU (measured in ``benchmarks/bench_quantize.py``), so dynamic mode is for
  transformer-like models and does nothing for a CNN, which it says.

The source is a model config (every ONNX file it names is quantised; a new config naming the
INT8 files is written beside them) or a bare ONNX file. Everything is written inside the
output folder, under plain file names, atomically; the source is only read.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

import numpy as np

from ..core.errors import AnyLabelError
from ..core.i18n import tr
from .config_paths import is_inside, is_plain_name
from .download_checks import sha256_of
from .quantize_calibration import (DEFAULT_IMAGES, Calibration, CalibrationError, calibration_images,
                                   record_model_feeds, record_plain_feeds)

Mode = Literal["dynamic", "static"]
MODES: tuple[str, ...] = ("dynamic", "static")

#: Operators that only occur in a graph that is already quantised.
QUANTIZED_OPS = frozenset({
    "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul",
    "ConvInteger", "MatMulInteger", "QGemm", "QLinearAdd", "QLinearMul", "DynamicQuantizeMatMul",
    "MatMulIntegerToFloat", "QAttention",
})
#: Layers whose weights make up the model and whose integer kernels give the speed.
COMPUTE_OPS = frozenset({"Conv", "ConvTranspose", "MatMul", "Gemm"})
#: What dynamic mode quantises (see the module docstring for why not Conv).
DYNAMIC_OPS = ["MatMul", "Attention", "LSTM"]
#: Model files above this are refused before they are read (protobuf's own limit is 2 GB).
MAX_MODEL_BYTES = 2 * 1024 ** 3


class QuantizeError(AnyLabelError):
    """A model that cannot be quantised; the message names the file and what is wrong."""


@dataclass
class QuantizedFile:
    key: str                 # the config's path key ("model_path"...), "" for a bare ONNX file
    source: Path
    output: Path
    how: str                 # "static INT8", "dynamic INT8" or "float (copied): why"
    bytes_before: int = 0
    bytes_after: int = 0
    #: Lowest cosine similarity of the INT8 outputs to the float ones on calibration inputs.
    similarity: float | None = None


@dataclass
class QuantizeResult:
    files: list[QuantizedFile] = field(default_factory=list)
    config: Path | None = None
    calibration_images: int = 0
    skipped_images: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _onnx() -> Any:
    try:
        import onnx
        import onnxruntime.quantization  # noqa: F401  # imports onnx itself
    except ImportError as exc:
        raise QuantizeError(tr("quantisation needs the onnx package "
                               "({0}): pip install 'anylabel[quantize]'").format(
            exc)) from None
    return onnx


def load_float_model(path: Path) -> Any:
    """The ONNX graph of ``path``; refused (naming the file) when it is no ONNX model, too big,
    or already quantised."""
    onnx = _onnx()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise QuantizeError(tr("{0}: cannot read the model file ({1})").format(
            path, exc.strerror or exc)) from None
    if size > MAX_MODEL_BYTES:
        raise QuantizeError(tr("{0}: {1:.1f} GB, larger than the "
                               "{2:.1f} GB a single ONNX file can hold").format(
            path, size / 1e9, MAX_MODEL_BYTES / 1e9))
    try:
        model = onnx.load(str(path))
    except Exception as exc:  # noqa: BLE001  # protobuf raises DecodeError, onnx its own types
        raise QuantizeError(tr("{0}: not an ONNX model ({1}: {2})").format(
            path, type(exc).__name__, str(exc).splitlines()[0] if str(exc) else tr("unreadable"))) from None
    if not model.graph.node:
        raise QuantizeError(tr("{0}: not an ONNX model (no graph nodes)").format(path))
    found = sorted({n.op_type for n in model.graph.node} & QUANTIZED_OPS)
    if found:
        raise QuantizeError(tr("{0}: already quantised (it contains "
                               "{1}); quantise the float model instead").format(
            path, ", ".join(found)))
    return model


def tail_nodes(graph: Any) -> list[str]:
    """Names of the nodes no Conv/MatMul/Gemm depends on: the graph's post-processing tail."""
    producer = {out: n for n in graph.node for out in n.output}
    keep: set[int] = set()
    stack = [n for n in graph.node if n.op_type in COMPUTE_OPS]
    while stack:
        node = stack.pop()
        if id(node) in keep:
            continue
        keep.add(id(node))
        stack.extend(producer[i] for i in node.input if i in producer)
    return [n.name for n in graph.node if id(n) not in keep]


def _name_nodes(model: Any) -> None:
    """Give unnamed nodes a name: the quantiser selects and excludes nodes by name."""
    used = {n.name for n in model.graph.node if n.name}
    for i, n in enumerate(model.graph.node):
        if not n.name:
            name = f"{n.op_type}_{i}"
            while name in used:
                name += "_"
            n.name = name
            used.add(name)


class _Reader:
    """onnxruntime's CalibrationDataReader over recorded feeds (restricted to the file's inputs)."""

    def __init__(self, feeds: list[dict[str, np.ndarray]], inputs: set[str]) -> None:
        self._it = iter([{k: v for k, v in f.items() if k in inputs} for f in feeds])

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._it, None)


def _commit(tmp: Path, dest: Path) -> None:
    from ..core.atomic import fsync_folder, fsync_path

    fsync_path(tmp)
    os.replace(tmp, dest)
    fsync_folder(dest.parent)


def quantize_file(source: Path, dest: Path, mode: Mode,
                  feeds: list[dict[str, np.ndarray]] | None = None) -> QuantizedFile:
    """Write an INT8 copy of one ONNX file (``feeds``: calibration inputs, static mode)."""
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_dynamic, quantize_static

    from ..core.atomic import discard_temp, temp_path_for

    onnx = _onnx()
    model = load_float_model(source)
    ops = [n.op_type for n in model.graph.node]
    tmp = temp_path_for(dest)
    with tempfile.TemporaryDirectory(prefix=".quantize-", dir=dest.parent) as work:
        try:
            if mode == "dynamic":
                if not any(op in DYNAMIC_OPS for op in ops):
                    convs = sum(op in ("Conv", "ConvTranspose") for op in ops)
                    raise QuantizeError(
                        tr("{0}: dynamic mode quantises MatMul layers and this model has "
                           "none ({1} convolutions): use --mode static --calibration IMAGES").format(
                               source, convs))
                quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8,
                                 op_types_to_quantize=DYNAMIC_OPS)
                how = "dynamic INT8"
            else:
                if not feeds:
                    raise QuantizeError(tr("{0}: no calibration input reached this model file").format(
                        source))
                pre = Path(work) / "pre.onnx"
                from onnxruntime.quantization.shape_inference import quant_pre_process

                try:
                    # shape inference + constant folding, so that more of the graph quantises
                    quant_pre_process(str(source), str(pre), skip_symbolic_shape=True)
                    model = onnx.load(str(pre))
                except Exception:  # noqa: BLE001  # an optimisation only: quantise the graph as it is
                    pass
                _name_nodes(model)
                onnx.save(model, str(pre))
                inputs = {i.name for i in model.graph.input}
                quantize_static(str(pre), str(tmp), _Reader(feeds, inputs), quant_format=QuantFormat.QDQ,
                                per_channel=True, activation_type=QuantType.QUInt8,
                                weight_type=QuantType.QInt8, nodes_to_exclude=tail_nodes(model.graph))
                how = "static INT8"
            _check_loads(tmp, source)
            similarity = output_similarity(source, tmp, feeds[:4]) if feeds else None
            _commit(tmp, dest)
        except QuantizeError:
            discard_temp(tmp)
            raise
        except Exception as exc:  # noqa: BLE001  # the quantiser raises many types; name the file
            discard_temp(tmp)
            raise QuantizeError(tr("{0}: quantisation failed ({1}: {2})").format(
                source, type(exc).__name__, exc)) from exc
    return QuantizedFile("", source, dest, how, source.stat().st_size, dest.stat().st_size, similarity)


def _session(path: Path) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _check_loads(path: Path, source: Path) -> None:
    try:
        _session(path)
    except Exception as exc:  # noqa: BLE001
        raise QuantizeError(tr("{0}: the INT8 model does not load in ONNX Runtime ({1})").format(
            source, exc)) from None


def output_similarity(float_path: Path, int8_path: Path, feeds: list[dict[str, np.ndarray]]) -> float | None:
    """Lowest cosine similarity between float and INT8 outputs (float outputs only)."""
    a, b = _session(float_path), _session(int8_path)
    names = {i.name for i in a.get_inputs()}
    worst: float | None = None
    for feed in feeds:
        f = {k: v for k, v in feed.items() if k in names}
        for x, y in zip(a.run(None, f), b.run(None, f)):
            x, y = np.asarray(x), np.asarray(y)
            if x.dtype.kind != "f" or x.size == 0:
                continue
            x, y = x.astype(np.float64).ravel(), y.astype(np.float64).ravel()
            denom = np.linalg.norm(x) * np.linalg.norm(y)
            cos = float(x @ y / denom) if denom else float(np.array_equal(x, y))
            worst = cos if worst is None else min(worst, cos)
    return worst


def _output_name(source: Path) -> str:
    stem = source.name[:-5] if source.name.lower().endswith(".onnx") else source.name
    return f"{stem}.int8.onnx"


def _confined(folder: Path, name: str, what: str) -> Path:
    """``folder / name``, refused unless ``name`` is a plain name; ``what`` (already in the
    interface language, or a config key) says what the name is."""
    if not is_plain_name(name):
        raise QuantizeError(tr("{0} {1!r} is not a plain file name; refused").format(what, name))
    dest = folder / name
    if not is_inside(dest, folder):
        raise QuantizeError(tr("{0} leads outside the output folder {1}; refused").format(dest, folder))
    return dest


def is_onnx_source(source: str) -> bool:
    """Whether ``source`` names an ONNX file rather than a config (YAML path or model name)."""
    p = Path(source).expanduser()
    return p.suffix.lower() == ".onnx" or (p.is_file() and p.suffix.lower() not in (".yaml", ".yml"))


def default_output(source: str) -> Path:
    """``./<name>_int8``: beside where the user works (a shipped config's folder is not theirs)."""
    stem = Path(source).name
    for suffix in (".onnx", ".yaml", ".yml"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return Path.cwd() / f"{stem}_int8"


def quantize(source: str, output: str | os.PathLike[str], mode: Mode, calibration: str | None = None,
             max_images: int = DEFAULT_IMAGES, progress: Callable[[str], None] | None = None) -> QuantizeResult:
    """Quantise a config's model files (or one ONNX file) into ``output``; see the module doc."""
    if mode not in MODES:
        raise QuantizeError(tr("mode must be one of {0}, got {1!r}").format(", ".join(MODES), mode))
    if mode == "static" and not calibration:
        raise QuantizeError(tr("static quantisation needs calibration images: --calibration FOLDER"))
    _onnx()
    images = calibration_images(calibration, max_images) if calibration else []
    out = Path(output).expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise QuantizeError(tr("{0}: the output must be a folder, this is a file").format(out))
    say = progress or (lambda _msg: None)
    if is_onnx_source(source):
        return _quantize_plain(Path(source).expanduser().resolve(), out, mode, images, say)
    return _quantize_config(source, out, mode, images, say)


def _quantize_plain(src: Path, out: Path, mode: Mode, images: list[Path],
                    say: Callable[[str], None]) -> QuantizeResult:
    if not src.is_file():
        raise QuantizeError(tr("{0}: model file not found").format(src))
    model = load_float_model(src)
    result = QuantizeResult()
    feeds = None
    if images:
        init = {i.name for i in model.graph.initializer}
        real = [i for i in model.graph.input if i.name not in init]
        if len(real) != 1:
            raise CalibrationError(tr("{0}: {1} inputs; calibrating a bare ONNX file needs "
                                      "exactly one image input: pass the model's config instead").format(
                                          src, len(real)))
        dims = tuple(d.dim_value if d.HasField("dim_value") else d.dim_param
                     for d in real[0].type.tensor_type.shape.dim)
        say(tr("calibrating on {0} images").format(len(images)))
        cal = record_plain_feeds(real[0].name, dims, images)
        _take_calibration(result, cal)
        feeds = next(iter(cal.feeds.values()))
    dest = _confined(out, _output_name(src), tr("the model file name"))
    if dest.resolve() == src:
        raise QuantizeError(tr("{0}: the output would replace the source; choose another --output").format(
            dest))
    say(tr("quantising {0} ({1})").format(src.name, mode))
    out.mkdir(parents=True, exist_ok=True)  # only now: a refused source leaves no folder behind
    result.files.append(quantize_file(src, dest, mode, feeds))
    result.notes.append(tr("no config written for a bare ONNX file: copy the model's config, "
                           "point its model_path at {0} (or quantise the config instead)").format(dest.name))
    return result


def _take_calibration(result: QuantizeResult, cal: Calibration) -> None:
    result.calibration_images = cal.used
    result.skipped_images = cal.skipped
    if not cal.used:
        raise CalibrationError(tr("no calibration image could be read: {0}").format(
            "; ".join(f"{p}: {why}" for p, why in cal.skipped[:5])))


def _quantize_config(source: str, out: Path, mode: Mode, images: list[Path],
                     say: Callable[[str], None]) -> QuantizeResult:
    from .config import PATH_KEYS, find_config
    from .download import resolve_model_file
    from .registry import create_model
    from .runtime import ModelLoadError

    cfg = find_config(source)
    keys = [k for k in PATH_KEYS if getattr(cfg, k)]
    if not keys:
        raise QuantizeError(tr("{0}: the config names no model file").format(cfg.source or cfg.name))
    try:
        files = {k: resolve_model_file(cfg, k).resolve() for k in keys}
    except ModelLoadError as exc:
        raise QuantizeError(str(exc)) from None
    for path in files.values():
        load_float_model(path)  # every file checked before any work is done
    result = QuantizeResult()
    feeds: dict[Path, list[dict[str, np.ndarray]]] = {}
    if images:
        say(tr("calibrating on {0} images through {1}").format(len(images), cfg.type))
        try:
            model = create_model(cfg, device="cpu")
        except ModelLoadError as exc:
            raise QuantizeError(str(exc)) from None
        cal = record_model_feeds(model, images)
        model.close()
        _take_calibration(result, cal)
        feeds = cal.feeds
    new_name = f"{cfg.name}_int8"
    config_dest = _confined(out, f"{new_name}.yaml", tr("the config name"))
    written: dict[str, QuantizedFile] = {}
    out.mkdir(parents=True, exist_ok=True)  # only now: a refused source leaves no folder behind
    for key, src in files.items():
        dest = _confined(out, _output_name(src), tr("the model file name"))
        if dest.resolve() in (p for p in files.values()):
            raise QuantizeError(tr("{0}: the output would replace a "
                                   "source file; choose another --output").format(
                dest))
        file_feeds = feeds.get(src)
        if mode == "static" and not file_feeds:
            why = "no calibration input reached it"
            shutil.copyfile(src, dest)
            q = QuantizedFile(key, src, dest, f"float (copied): {why}", src.stat().st_size, dest.stat().st_size)
        elif mode == "dynamic" and not _has_dynamic_ops(src):
            if len(files) == 1:
                quantize_file(src, dest, mode)  # raises the message that says what to do
            shutil.copyfile(src, dest)
            q = QuantizedFile(key, src, dest, "float (copied): no MatMul layers for dynamic mode",
                              src.stat().st_size, dest.stat().st_size)
        else:
            say(tr("quantising {0} ({1})").format(src.name, mode))
            q = quantize_file(src, dest, mode, file_feeds)
        q.key = key
        written[key] = q
        result.files.append(q)
    if all(q.how.startswith("float") for q in written.values()):
        raise QuantizeError(tr("{0}: nothing was quantised ({1})").format(
            cfg.source or cfg.name, "; ".join(f"{q.source.name}: {q.how}" for q in written.values())))
    result.config = write_config(cfg, config_dest, new_name, written, mode)
    return result


def _has_dynamic_ops(path: Path) -> bool:
    return any(n.op_type in DYNAMIC_OPS for n in load_float_model(path).graph.node)


def _carry_side_files(cfg: Any, data: dict[str, Any], folder: Path, done: set[str]) -> None:
    """A type's other ``*_path`` keys (e.g. RAM's ``tag_list_path``) that name a file beside the
    source config: copied into the output folder, so the relative name still finds it."""
    for key, value in list(data.items()):
        if not (isinstance(value, str) and str(key).endswith("_path")) or key in done:
            continue
        if "://" in value or Path(value).is_absolute():
            continue  # URLs, pkg:// and absolute paths mean the same from any folder
        src = (cfg.base_dir() / value).resolve()
        if src.is_file() and is_inside(src, cfg.base_dir()):
            dest = _confined(folder, src.name, f"{key}")
            shutil.copyfile(src, dest)
            data[key] = dest.name


def write_config(cfg: Any, dest: Path, new_name: str, files: dict[str, QuantizedFile], mode: Mode) -> Path:
    """The source config's keys, renamed, pointing at the INT8 files (plain names in ``dest``'s
    folder) with their sha256; a class-list name becomes the list, so the config stands alone."""
    import yaml

    from ..core.atomic import atomic_write_text
    from ..core.safe_yaml import load_yaml_file
    from .config import load_config

    data: dict[str, Any] = dict(load_yaml_file(cfg.source)) if cfg.source else {}
    data["name"] = new_name
    data["display_name"] = f"{cfg.title} (INT8)"
    how = ", ".join(sorted({q.how.split(':')[0] for q in files.values()}))
    data["description"] = (f"{cfg.description} " if cfg.description else "") + \
        f"[{how} copy of {cfg.name}, by anylabel models quantize --mode {mode}]"
    if cfg.classes and not isinstance(data.get("classes"), (list, dict)):
        data["classes"] = list(cfg.classes)
    for key, q in files.items():
        data[key] = q.output.name
    _carry_side_files(cfg, data, dest.parent, set(files))
    data["sha256"] = {key: sha256_of(q.output) for key, q in files.items()}
    text = "# Written by anylabel models quantize; model paths are relative to this file.\n" + \
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    atomic_write_text(dest, text)
    load_config(dest)  # what was written loads as a config
    return dest
