"""``anylabel jobs split|merge|status``: share a folder among annotators and bring it back."""
from __future__ import annotations

import argparse
import json
import sys

from ..core.i18n import tr

NAME = "jobs"
HELP = "split a folder into annotator jobs (with an overlap for agreement), merge them back, show progress"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    split = sub.add_parser("split", help="make one job folder per annotator and a manifest",
                           description="Make one job folder per annotator under OUT, and OUT/manifest.json. "
                           "Label files are always copied; images are copied unless --link or --symlink.")
    split.add_argument("--input", required=True, metavar="DIR", help="folder of images and their label files")
    split.add_argument("--annotators", required=True, type=int, metavar="N", help="number of jobs")
    split.add_argument("--overlap", type=float, default=0.1, metavar="SHARE",
                       help="share of the images given to two annotators, to measure agreement (default 0.1)")
    how = split.add_mutually_exclusive_group()
    how.add_argument("--copy", dest="transfer", action="store_const", const="copy",
                     help="copy the images (the default)")
    how.add_argument("--link", dest="transfer", action="store_const", const="hardlink",
                     help="hard-link the images (same file system; no extra space)")
    how.add_argument("--symlink", dest="transfer", action="store_const", const="symlink",
                     help="symlink the images")
    split.add_argument("--names", metavar="A,B,...", help="annotator names (folder names; default annotator-1, ...)")
    split.add_argument("--seed", type=int, default=0, help="seed of the random overlap choice (default 0)")
    split.add_argument("--output", required=True, metavar="OUT", help="a new or empty folder for the jobs")

    merge = sub.add_parser("merge", help="merge the jobs back, refusing conflicting edits",
                           description="Copy each edited label file from its job into DIR. An image edited "
                           "differently in two jobs, or edited in a job and in DIR since the split, is a "
                           "conflict: nothing is written unless --prefer says how to resolve them.")
    merge.add_argument("--manifest", required=True, metavar="M", help="the manifest.json of the split (or its folder)")
    merge.add_argument("--output", required=True, metavar="DIR", help="folder to merge into (the input, or a new one)")
    merge.add_argument("--prefer", choices=("job", "output", "newest"),
                       help="on a conflict: the job's version (the first annotator's when two jobs "
                       "differ), the output's, or the most recently saved")
    merge.add_argument("--iou", type=float, default=0.5, help="IoU for the overlap agreement (default 0.5)")
    merge.add_argument("--report", metavar="OUT",
                       help="also write the overlap agreement as report.json and report.html into OUT "
                       "(as 'anylabel compare' does)")

    status = sub.add_parser("status", help="progress per annotator: labelled, reviewed, accepted")
    status.add_argument("--manifest", required=True, metavar="M", help="the manifest.json of the split (or its folder)")
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def _split(args: argparse.Namespace) -> int:
    from ..review.jobs import split_jobs

    names = [n.strip() for n in args.names.split(",")] if args.names else None
    result = split_jobs(args.input, args.output, args.annotators, args.overlap, args.transfer or "copy",
                        names, args.seed)
    m = result.manifest
    shared = sum(len(i.jobs) > 1 for i in m.images)
    for err in result.errors:
        print(f"anylabel jobs: {err}", file=sys.stderr)
    for job in m.jobs:
        n = sum(job.name in i.jobs for i in m.images)
        print(tr("{0}: {1} images").format(job.name, n))
    print(tr("{0} images, {1} shared by two annotators; manifest: {2}").format(len(m.images), shared, m.path))
    return 1 if result.errors else 0


def _merge(args: argparse.Namespace) -> int:
    from ..core.agreement import MatchOptions
    from ..core.errors import AnyLabelError
    from ..review.jobs import merge_jobs, overlap_comparison
    from ..review.report import write_report

    try:
        options = MatchOptions(iou=args.iou)
    except ValueError as exc:
        raise AnyLabelError(str(exc)) from None
    result = merge_jobs(args.manifest, args.output, args.prefer, options)
    if args.report:
        write_report(overlap_comparison(args.manifest, result, options), args.report)
        print(tr("overlap report: {0}").format(args.report))
    for err in result.errors:
        print(f"anylabel jobs: {err}", file=sys.stderr)
    if result.overlap_images:
        o = result.agreement.overall().to_dict()
        print(tr("agreement on {0} shared images: F1 {1}, precision {2}, recall {3}, mean IoU {4}").format(
            result.overlap_images, _fmt(o["f1"]), _fmt(o["precision"]), _fmt(o["recall"]),
            _fmt(o["mean_iou"])))
        for (a, b), agg in sorted(result.pair_agreement.items()):
            p = agg.overall().to_dict()
            print(f"  {a} / {b}: F1 {_fmt(p['f1'])} (tp {p['tp']}, fp {p['fp']}, fn {p['fn']})")
    if result.refused:
        for c in result.conflicts:
            print("anylabel jobs: " + tr("conflict: {0}: {1}").format(c.image, c.reason), file=sys.stderr)
        print("anylabel jobs: " + tr("{0} conflicts; nothing was written. Resolve them "
                                     "by hand or rerun with --prefer job|output|newest").format(
                                         len(result.conflicts)), file=sys.stderr)
        return 1
    for c in result.resolved:
        print(tr("resolved ({0}): {1}: {2}").format(args.prefer, c.image, c.reason))
    print(tr("merged into {0}: {1} label files written, "
             "{2} removed, {3} images copied, {4} unchanged").format(
        args.output, len(result.written), len(result.removed), result.images_copied, result.unchanged))
    return 1 if result.errors else 0


def _status(args: argparse.Namespace) -> int:
    from ..review.jobs import job_status

    rows = job_status(args.manifest)
    if args.json:
        print(json.dumps([{k: v for k, v in vars(r).items()} for r in rows], indent=2, ensure_ascii=False))
    else:
        head = ("job", "images", "labelled", "edited", "reviewed", "accepted", "rejected")
        width = max([len(r.name) for r in rows] + [len(head[0])])
        print(f"{head[0]:<{width}} " + " ".join(f"{h:>9}" for h in head[1:]))
        for r in rows:
            print(f"{r.name:<{width}} " + " ".join(f"{v:>9}" for v in (r.images, r.labelled, r.edited,
                                                                      r.reviewed, r.accepted, r.rejected)))
    errors = [e for r in rows for e in r.errors]
    for err in errors:
        print(f"anylabel jobs: {err}", file=sys.stderr)
    return 1 if errors else 0


def run(args: argparse.Namespace) -> int:
    from ..core.errors import AnyLabelError

    action = {"split": _split, "merge": _merge, "status": _status}[args.jobs_command]
    try:
        return action(args)
    except AnyLabelError as exc:
        print(f"anylabel jobs: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"anylabel jobs: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
