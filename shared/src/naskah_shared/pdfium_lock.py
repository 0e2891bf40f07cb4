"""One lock for every PDFium call in a process.

PDFium is not thread-safe: two threads inside it at once crash the process (a segmentation fault, seen in
the embedded demo while sk-service laid out two letters' Formulir at once; four threads opening and searching
one small PDF crash it within seconds). The embedded run holds sk-service and signature-service in one
process, so a lock per service is not enough: both take this one, and close what they opened while holding
it (pypdfium2 otherwise closes pages and text pages from the garbage collector, in whatever thread runs it).
"""

from __future__ import annotations

import threading

PDFIUM = threading.RLock()
