"""signature-service's domain and service errors as HTTP answers: the one table the app factory hands to the API."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from naskah_shared.storage.ports import ObjectLocked
from naskah_shared.web import ApiError
from signature_service.domain.requests import RequestError
from signature_service.service_layer.archive import ArchiveError
from signature_service.service_layer.batches import BatchNotFound
from signature_service.service_layer.ports import ConcurrentUpdate, SigningError, SigningErrorCode, VerificationError
from signature_service.service_layer.previews import PreviewBusy, PreviewUnavailable
from signature_service.service_layer.signing import DocumentTampered, LockedOut, RequestNotFound


def _signing_error(exc: Exception) -> ApiError:
    assert isinstance(exc, SigningError)
    status = {SigningErrorCode.BAD_PASSPHRASE: 403, SigningErrorCode.TIMESTAMP_FAILED: 502,
              SigningErrorCode.REVOCATION_FAILED: 502, SigningErrorCode.KEY_UNAVAILABLE: 503,
              SigningErrorCode.INVALID_PDF: 422, SigningErrorCode.CERTIFICATE_REVOKED: 409,
              SigningErrorCode.UNTRUSTED_CERTIFICATE: 409, SigningErrorCode.FIELD_ALREADY_SIGNED: 409,
              SigningErrorCode.FIELD_MISSING: 422, SigningErrorCode.SIGNER_NOT_ELIGIBLE: 409,
              SigningErrorCode.BSRE_UNAVAILABLE: 503, SigningErrorCode.BSRE_BAD_ANSWER: 502}.get(exc.code, 500)
    return ApiError(status, exc.code.value, exc.message, exc.details)


def _request_error(exc: Exception) -> ApiError:
    assert isinstance(exc, RequestError)
    return ApiError(exc.status, exc.code, str(exc))


def _locked_out(exc: Exception) -> ApiError:
    assert isinstance(exc, LockedOut)
    return ApiError(423, "locked_out", str(exc), {"locked_until": exc.until.isoformat()})


def _verification_error(exc: Exception) -> ApiError:
    assert isinstance(exc, VerificationError)
    return ApiError(422, exc.code.value, exc.message)


ERRORS: Mapping[type[Exception], Callable[[Exception], ApiError]] = {
    RequestNotFound: lambda e: ApiError(404, "not_found", str(e)),
    BatchNotFound: lambda e: ApiError(404, "not_found", str(e)),
    RequestError: _request_error,
    LockedOut: _locked_out,
    SigningError: _signing_error,
    VerificationError: _verification_error,
    DocumentTampered: lambda e: ApiError(409, "document_tampered", str(e)),
    ConcurrentUpdate: lambda e: ApiError(409, "concurrent_update", str(e)),
    ObjectLocked: lambda e: ApiError(409, "object_locked", str(e)),
    PreviewUnavailable: lambda e: ApiError(404, "no_page_image", str(e)),
    PreviewBusy: lambda e: ApiError(503, "preview_busy", str(e), {"retry_after": 5}),
    ArchiveError: lambda e: ApiError(422, "archive_refused", str(e)),
}
