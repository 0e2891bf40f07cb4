"""The office (dinas) as configuration: name, region, address, logo, signers, nomor format, working calendar.

`NASKAH_OFFICE_FILE` names a JSON file like `example.json` here (a dinas in
Papua, used by the embedded run and the tests); `load_office` reads and checks it
(config.py). A relative `logo` is read from the file's folder, and so is the holiday
list `kalender.libur_file` (`libur-nasional.txt` here: lines `YYYY-MM-DD libur|cuti|lokal name`).
"""

from naskah_shared.office.config import (
    BSRE_FOOTER,
    EXAMPLE,
    OfficeConfig,
    OfficeError,
    Pejabat,
    TataNaskah,
    load_office,
    office_data,
)

__all__ = ["BSRE_FOOTER", "EXAMPLE", "OfficeConfig", "OfficeError", "Pejabat", "TataNaskah", "load_office",
           "office_data"]
