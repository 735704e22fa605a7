"""``lamplight warmup``: compile the numba kernels now (coverage, siting, map rendering), one line per kernel.

The render kernels are then also compiled ahead of time into an extension module (``workbench.render.aot``).

Compiled machine code stays in numba's on-disk cache, so afterwards no first run, render or timed solve waits
for it; ``scripts/bootstrap.sh`` runs this after installing. Without it the first use compiles too, saying
"Compiling the fast kernels once (about N s)…" first (``plugins.compiled``).

    lamplight warmup                 every group
    lamplight warmup siting          only the siting kernels
    lamplight warmup --force         compile again even the groups whose stamp says they are compiled
"""

from __future__ import annotations

import argparse
import time

from layers.i18n import translate
from plugins.cli import print_problem

GROUPS = ("coverage", "siting", "render")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("warmup",
                                   help=translate("Cli", "compile the fast kernels now (once after installing)"))
    parser.add_argument("groups", nargs="*", metavar="GROUP",
                        help=translate("Cli", "kernel groups to compile: {groups} (default: all)").format(
                            groups=", ".join(GROUPS)))
    parser.add_argument("--force", action="store_true",
                        help=translate("Cli", "compile even the groups already compiled"))
    parser.set_defaults(handler=handle_warmup)


def handle_warmup(args: argparse.Namespace) -> int:
    from plugins.compiled import compile_group, reporting_compiles, stamp_path
    from plugins.warmup import COVERAGE, SITING

    unknown = sorted(set(args.groups) - set(GROUPS))
    if unknown:
        print_problem(translate("Warmup", "no kernel group {unknown}; choose from {groups}").format(
            unknown=", ".join(unknown), groups=", ".join(GROUPS)))
        return 2
    chosen = args.groups or list(GROUPS)
    groups = [group for group in (COVERAGE, SITING) if group.name in chosen]
    if "render" in chosen:  # the workbench's renderer (Qt, offscreen): imported only when asked for
        from workbench.render.warmup import RENDER

        groups.append(RENDER)

    def report(kernel: str, seconds: float) -> None:
        if kernel.startswith("numba."):  # numba's own helpers, compiled along with our kernels
            return
        print(translate("Warmup", "  compiled {kernel} ({seconds:.1f} s)").format(kernel=kernel, seconds=seconds),
              flush=True)

    for group in groups:
        if not args.force and stamp_path(group).is_file():
            print(translate("Warmup", "{group}: already compiled").format(group=group.name), flush=True)
            continue
        print(translate("Warmup", "Compiling the {group} kernels (about {seconds} s)…").format(
            group=group.name, seconds=int(round(group.seconds))), flush=True)
        started = time.perf_counter()
        try:
            with reporting_compiles(report):
                count = compile_group(group)
        except Exception as exc:  # noqa: BLE001 - reported; the first real run will compile what it needs
            print_problem(translate("Warmup", "compiling the {group} kernels failed ({problem}); the first run will "
                                    "compile them instead").format(group=group.name, problem=exc))
            return 1
        print(translate("Warmup", "{group}: {count} kernels ready in {seconds:.1f} s").format(
            group=group.name, count=count, seconds=time.perf_counter() - started), flush=True)
    if "render" in chosen:
        build_render_ahead(args.force)
    return 0


def build_render_ahead(force: bool) -> None:
    """Compile the renderer's kernels into an extension module too, so renders need not import numba. Without a
    C compiler or on a failed build the renderer falls back to numba's JIT: reported, not an error."""
    from workbench.render import aot
    from workbench.render.aot_build import build, reason
    from workbench.render.warmup import compile_offscreen

    if not force and aot.available():
        print(translate("Warmup", "render: already compiled ahead of time"), flush=True)
        return
    print(translate("Warmup", "Compiling the render kernels ahead of time into {folder} (about 15 s)…").format(
        folder=aot.folder()), flush=True)
    try:
        path, count, seconds = build(compile_offscreen)
    except Exception as exc:  # noqa: BLE001 - reported; renders then use numba's JIT
        print_problem(translate("Warmup", "compiling the render kernels ahead of time failed ({problem}); renders "
                                "will use numba's compiled kernels instead (with a C compiler and Python's headers "
                                "installed, run `lamplight warmup` again)").format(problem=reason(exc)),
                      warning=True)
        return
    print(translate("Warmup", "render: {count} functions compiled ahead of time into {path} in {seconds:.1f} s")
          .format(count=count, path=path.name, seconds=seconds), flush=True)
