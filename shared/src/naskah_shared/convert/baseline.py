"""The cold baseline: a `soffice --headless --convert-to pdf` per call in a fresh profile (benchmarks
compare `UnoserverPool` against it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from naskah_shared.convert.docx_safety import check_self_contained
from naskah_shared.convert.ports import ConversionError, ConverterUnavailable
from naskah_shared.convert.worker import DOCX_IMPORT_FILTER, PDF_EXPORT_FILTER, _kill_group


class SofficeConverter:
    """A cold `soffice --headless --convert-to pdf` per call in a fresh profile: the benchmark baseline."""

    def __init__(self, *, soffice: str | None = None, timeout: float = 120.0, workdir: Path | None = None) -> None:
        self.soffice = soffice or shutil.which("soffice") or shutil.which("libreoffice")
        self.timeout = timeout
        self.workdir = workdir

    def ping(self) -> bool:
        return self.soffice is not None

    def to_pdf(self, docx: bytes, *, pdfa: bool = False) -> bytes:
        if not self.soffice:
            raise ConverterUnavailable("soffice not found on PATH")
        if not docx:
            raise ConversionError("empty_input", "no document to convert")
        check_self_contained(docx)
        with tempfile.TemporaryDirectory(prefix="naskah-soffice-", dir=self.workdir) as tmp:
            src = Path(tmp) / "document.docx"
            src.write_bytes(docx)
            target = "pdf"
            if pdfa:  # JSON filter options on the command line (LibreOffice ≥ 7.4)
                target = "pdf:" + PDF_EXPORT_FILTER + ":" + json.dumps(
                    {"SelectPdfVersion": {"type": "long", "value": "2"},
                     "EmbedStandardFonts": {"type": "boolean", "value": "true"}})
            cmd = [self.soffice, "--headless", "--norestore", "--nologo", "--nodefault",
                   f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
                   f"--infilter={DOCX_IMPORT_FILTER}", "--convert-to", target, "--outdir", tmp, str(src)]
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            try:
                out, _ = proc.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                proc.wait()
                raise ConversionError("timeout", f"soffice took longer than {self.timeout:g} s") from None
            finally:
                _kill_group(proc)  # soffice.bin may linger after the launcher exits
            pdf = Path(tmp) / "document.pdf"
            if proc.returncode != 0 or not pdf.exists():
                raise ConversionError("conversion_failed",
                                      f"soffice exited {proc.returncode}: {out.decode(errors='replace')[-300:]}")
            return pdf.read_bytes()
