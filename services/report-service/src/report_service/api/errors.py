"""report-service's domain and service errors as HTTP answers: the one table the app factory hands to the API."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from naskah_shared.web import ApiError
from report_service.domain.disposisi import AlreadyDone, DisposisiError, NotAddressee
from report_service.domain.errors import ActivityError
from report_service.service_layer.disposisi import DisposisiNotFound
from report_service.service_layer.formulir import FormulirConflict, FormulirInvalid, FormulirNotFound, FormulirRejected
from report_service.service_layer.reports import ActivityNotFound, ReportNotFound


def _activity_error(exc: Exception) -> ApiError:
    assert isinstance(exc, ActivityError)
    return ApiError(409 if exc.code in ("step_already_recorded", "step_out_of_order") else 422, exc.code, str(exc),
                    exc.details)


ERRORS: Mapping[type[Exception], Callable[[Exception], ApiError]] = {
    FormulirNotFound: lambda e: ApiError(404, "not_found", str(e)),
    FormulirInvalid: lambda e: ApiError(422, "invalid_formulir", str(e), {"fields": e.errors}),
    FormulirConflict: lambda e: ApiError(409, e.code, str(e)),
    FormulirRejected: lambda e: ApiError(422, e.code, str(e), e.details),
    ActivityNotFound: lambda e: ApiError(404, "not_found", str(e)),
    DisposisiNotFound: lambda e: ApiError(404, "not_found", str(e)),
    NotAddressee: lambda e: ApiError(403, e.code, str(e), e.details),
    AlreadyDone: lambda e: ApiError(409, e.code, str(e), e.details),
    DisposisiError: lambda e: ApiError(422, e.code, str(e), e.details),
    ReportNotFound: lambda e: ApiError(404, "not_found", str(e)),
    ActivityError: _activity_error,
}
