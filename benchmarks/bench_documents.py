"""SK document pipeline benchmark (DESIGN §9): render a 50-member SK, DOCX → PDF cold and warm.

    .venv/bin/python benchmarks/bench_documents.py

Prints one table from one run, so the ratios compare like with like:
- render: DocxtplRenderer on the built-in template, 50 members (target ≤ 50 ms median);
- cold soffice: `soffice --headless --convert-to pdf` in a fresh profile per call (the baseline);
- warm pool: UnoserverPool conversions of the same DOCX, one at a time (target ≥ 4× the baseline);
- pool of 1 and of 2 under load: 4 callers at once; "per doc" is wall time ÷ documents, so the
  ratio shows how the pool scales on this machine's cores.
Runs in well under two minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from naskah_shared.convert.baseline import SofficeConverter
from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.office import load_office
from sk_service.adapters.docx_context import sk_context
from sk_service.adapters.docx_renderer import BUILTIN_TEMPLATE, DocxtplRenderer
from sk_service.domain.naskah import Office

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.stats import p95, timed
from tests.data import sk_payload  # realistic content shared with the tests


def under_load(pool: UnoserverPool, docx: bytes, callers: int, per_caller: int) -> tuple[list[float], float]:
    """Latencies of every job and the wall time, `callers` threads converting at once."""
    latencies: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(per_caller):
            t0 = time.perf_counter()
            pool.to_pdf(docx)
            with lock:
                latencies.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=work) for _ in range(callers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=50)
    ap.add_argument("--cold", type=int, default=5, help="cold soffice conversions")
    ap.add_argument("--warm", type=int, default=15, help="sequential warm conversions")
    ap.add_argument("--renders", type=int, default=100)
    args = ap.parse_args()

    office, template = Office.of(load_office()), BUILTIN_TEMPLATE.read_bytes()
    renderer = DocxtplRenderer()
    content = sk_payload(members=args.members)
    docx = renderer.render(template, sk_context(content, office, "800/123/DPMK/2026"))

    rows: list[tuple[str, int, float, float, str]] = []
    started = time.perf_counter()

    render = timed(lambda: renderer.render(template, sk_context(content, office)), args.renders, warmup=3)
    rows.append((f"render SK, {args.members} members (DOCX)", len(render), statistics.median(render),
                 p95(render), "target ≤ 50 ms"))

    with tempfile.TemporaryDirectory() as tmp:
        cold = timed(lambda: SofficeConverter().to_pdf(docx), args.cold, warmup=0)
        base = statistics.median(cold)
        rows.append(("cold soffice --convert-to pdf (baseline)", len(cold), base, p95(cold), "1.0×"))

        for size in (1, 2):
            with UnoserverPool(size, workdir=Path(tmp) / f"pool{size}") as pool:
                t0 = time.perf_counter()
                pool.warm()
                start = time.perf_counter() - t0
                if size == 1:
                    warm = timed(lambda pool=pool: pool.to_pdf(docx), args.warm, warmup=1)
                    rows.append(("warm pool(1), one at a time", len(warm), statistics.median(warm), p95(warm),
                                 f"{base / statistics.median(warm):.1f}× faster"))
                lat, wall = under_load(pool, docx, callers=4, per_caller=3)
                per_doc = wall / len(lat)
                rows.append((f"pool({size}), 4 callers: latency", len(lat), statistics.median(lat), p95(lat),
                             f"start {start:.1f} s"))
                rows.append((f"pool({size}), 4 callers: wall ÷ docs", len(lat), per_doc, per_doc,
                             f"{base / per_doc:.1f}× faster"))

    print(f"\nSK documents benchmark: {args.members} members, DOCX {len(docx) // 1024} KiB")
    print(f"{'work':44} {'n':>4} {'median ms':>10} {'p95 ms':>8}  ratio to baseline")
    print("-" * 90)
    for name, n, med, pp, note in rows:
        print(f"{name:44} {n:>4} {med * 1000:>10.1f} {pp * 1000:>8.1f}  {note}")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
