"""PDFium crashes the process when two threads are inside it at once; naskah's two users of it (sk-service's
Formulir layout, signature-service's page images) share one lock per process, as the embedded run holds both.
Run in a child process: without the lock it dies of a segmentation fault (it did, in the embedded demo)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import threading
    from signature_service.adapters.pdfium import PdfiumRenderer
    from signature_service.pki.sample_pdf import sk_sample_pdf
    from sk_service.adapters.formulir_pdf import FormulirLayoutError, _layout

    pdf = sk_sample_pdf(3)

    def layout():
        for _ in range(150):
            try:
                _layout(pdf)
            except FormulirLayoutError:  # the sample has no formulir page: every page was searched
                pass

    def images():
        for _ in range(40):
            PdfiumRenderer().render(pdf, 1, width=300, max_pixels=10**6)

    threads = [threading.Thread(target=t) for t in (layout, layout, layout, images)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("ok")
""")


def test_formulir_layout_and_page_images_in_threads_do_not_crash_pdfium() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", (done.returncode, done.stderr[-2000:])
