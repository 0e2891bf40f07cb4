"""The office file, read and checked once (naskah_shared.office) for the three services."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from naskah_shared.office import BSRE_FOOTER, EXAMPLE, OfficeError, TataNaskah, load_office
from sk_service.domain.naskah import Office


def write(tmp_path: Path, **changes: object) -> Path:
    data = {**json.loads(EXAMPLE.read_text(encoding="utf-8")), **changes}
    path = tmp_path / "office.json"
    path.write_text(json.dumps({k: v for k, v in data.items() if v is not None}), encoding="utf-8")
    return path


def test_the_example_office_is_typed_with_its_paths_and_defaults() -> None:
    office = load_office()
    assert office.code == "DPMK" and office.zona_waktu == "Asia/Jayapura"
    assert office.kabid.nama == "Rahmi Suryantari, ST, M.Si" and office.kadis.nip == "196905141994031005"
    assert office.logo == str(EXAMPLE.parent / "logo_kabupaten.png") and office.logo_bytes()[:4] == b"\x89PNG"
    assert "2026-12-25" in office.holidays_text()
    assert office.tata_naskah.catatan_tte_teks == BSRE_FOOTER and office.paraf_tampak is False
    sk = Office.of(office)  # the SK's office, built from it
    assert sk.format_nomor(7, 2026) == "800/007/DPMK/2026" and sk.kabid is office.kabid


def test_what_only_one_service_reads_is_read_too(tmp_path: Path) -> None:
    office = load_office(write(tmp_path, disposisi={"paraf": "Tampak"}, kasubid={"jabatan": "Kasubid X", "nama": "Y"},
                               tata_naskah={"teks_stempel": "Ditandatangani oleh:"}, kalender=None))
    assert office.paraf_tampak and office.kasubid == {"jabatan": "Kasubid X", "nama": "Y"}
    assert office.tata_naskah == TataNaskah(teks_stempel="Ditandatangani oleh:")
    assert office.holidays_text() == "" and dict(office.kalender) == {}


@pytest.mark.parametrize(("changes", "message"), [
    ({"kepala": "x"}, "unknown keys: 'kepala'"),
    ({"kabid": None}, "incomplete or has unknown keys: 'kabid'"),
    ({"kadis": {"nama": "A"}}, "incomplete"),
    ({"kota": 7}, "kota must be a text"),
    ({"zona_waktu": "Papua/Jayapura"}, "IANA"),
    ({"tata_naskah": {"teks_stempel": ""}}, "tata_naskah.teks_stempel must be a text of 1 to 300"),
    ({"tata_naskah": {"klasifikasi": "DPMK"}}, "kode klasifikasi"),
    ({"kalender": {"libur_file": "missing.txt"}}, None),
])
def test_a_bad_office_file_is_refused_naming_the_file_and_the_key(tmp_path: Path, changes: dict[str, object],
                                                                   message: str | None) -> None:
    path = write(tmp_path, **changes)
    if message is None:  # a missing holiday list is found when it is read, with its path
        with pytest.raises(OfficeError, match="libur_file .*missing.txt"):
            load_office(path).holidays_text()
        return
    with pytest.raises(OfficeError, match=message) as refused:
        load_office(path)
    assert str(path) in str(refused.value)


def test_a_file_that_is_not_an_office_is_refused(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text("[1]")
    with pytest.raises(OfficeError, match="not a JSON object"):
        load_office(tmp_path / "list.json")
    with pytest.raises(OfficeError, match="absent.json"):
        load_office(tmp_path / "absent.json")
