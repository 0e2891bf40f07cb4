"""What a signing page says, in Indonesian, when a signature or a refusal does not go through."""

from __future__ import annotations

from signature_service.api import words
from signature_service.api.site import office_zone
from signature_service.domain.requests import NotYourTurn, RequestClosed, RequestError
from signature_service.service_layer.ports import ConcurrentUpdate, SigningError, SigningErrorCode
from signature_service.service_layer.signing import DocumentTampered, LockedOut

SIGNING = {
    SigningErrorCode.BAD_PASSPHRASE: ("Passphrase kunci salah; dokumen belum ditandatangani. Setelah beberapa kali "
                                      "salah, penandatanganan dikunci sementara.", 403),
    SigningErrorCode.TIMESTAMP_FAILED: ("Layanan cap waktu (TSA) tidak menjawab; dokumen belum ditandatangani. "
                                        "Coba lagi sebentar lagi.", 502),
    SigningErrorCode.REVOCATION_FAILED: ("Status sertifikat tidak dapat diperiksa saat ini; dokumen belum "
                                         "ditandatangani. Coba lagi sebentar lagi.", 502),
    SigningErrorCode.KEY_UNAVAILABLE: ("Kunci tanda tangan Anda tidak dapat dijangkau saat ini; coba lagi "
                                       "sebentar lagi.", 503),
    SigningErrorCode.CERTIFICATE_REVOKED: ("Sertifikat Anda sudah dicabut; hubungi pengelola sertifikat.", 409),
    SigningErrorCode.UNTRUSTED_CERTIFICATE: ("Sertifikat Anda tidak dipercaya; hubungi pengelola sertifikat.", 409),
    SigningErrorCode.FIELD_ALREADY_SIGNED: ("Kolom tanda tangan Anda di dokumen ini sudah terisi.", 409),
    SigningErrorCode.INVALID_PDF: ("Berkas dokumen ini rusak dan tidak dapat ditandatangani.", 422),
    SigningErrorCode.FIELD_MISSING: ("Dokumen ini tidak memiliki kolom tanda tangan untuk Anda.", 422),
    SigningErrorCode.BSRE_UNAVAILABLE: ("Layanan tanda tangan BSrE sedang sibuk atau tidak menjawab; dokumen belum "
                                        "ditandatangani. Coba lagi beberapa saat lagi.", 503),
    SigningErrorCode.BSRE_BAD_ANSWER: ("Layanan tanda tangan BSrE memberi jawaban yang tidak dapat dipakai; dokumen "
                                       "belum ditandatangani. Hubungi admin.", 502),
}


def failure_message(exc: Exception) -> tuple[str | None, int]:
    """(the sentence, the HTTP status) for a known failure; (None, 500) for anything else."""
    if isinstance(exc, LockedOut):
        until = words.in_office_time(exc.until, office_zone())
        return (f"Terlalu banyak passphrase salah: penandatanganan Anda dikunci sampai {until}. "
                "Coba lagi sesudahnya.", 423)
    if isinstance(exc, SigningError):
        if exc.code is SigningErrorCode.SIGNER_NOT_ELIGIBLE:  # BSrE's own reason, already in Indonesian
            return f"BSrE belum mengizinkan Anda menandatangani: {exc.message}", 409
        return SIGNING.get(exc.code, ("Dokumen tidak dapat ditandatangani saat ini.", 502))
    if isinstance(exc, DocumentTampered):
        return "Berkas dokumen berubah di penyimpanan sejak diajukan; dokumen tidak ditandatangani.", 409
    if isinstance(exc, ConcurrentUpdate):
        return "Dokumen ini baru saja diubah oleh orang lain; muat ulang halaman untuk melihat statusnya.", 409
    if isinstance(exc, NotYourTurn):
        return "Dokumen ini masih menunggu tanda tangan sebelumnya.", 409
    if isinstance(exc, RequestClosed):
        return "Dokumen ini sudah ditolak, dibatalkan atau ditandatangani; tidak ada lagi yang perlu dilakukan.", 409
    if isinstance(exc, RequestError):
        if getattr(exc, "code", "") == "batch_in_progress":
            return "Surat-surat ini sedang ditandatangani; ikuti kemajuannya di halaman ini.", 409
        return "Permintaan ini tidak dapat diproses sekarang.", exc.status
    return None, 500
