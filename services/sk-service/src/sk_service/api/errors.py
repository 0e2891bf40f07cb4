"""sk-service's domain and service errors as HTTP answers: the one table the app factory hands to the API."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from naskah_shared.web import ApiError
from sk_service.domain.sk import TransitionNotAllowed, WrongReviewer
from sk_service.service_layer.handlers import SkNotFound, VersionNotFound
from sk_service.service_layer.ports import TemplateError
from sk_service.service_layer.queries import LetterNotFound
from sk_service.service_layer.surat_edaran import SuratEdaranNotFound
from sk_service.service_layer.unit_of_work import ConcurrentUpdate


def _template_error(exc: Exception) -> ApiError:
    assert isinstance(exc, TemplateError)
    return ApiError(422, exc.code, exc.message, exc.details)


ERRORS: Mapping[type[Exception], Callable[[Exception], ApiError]] = {
    SkNotFound: lambda e: ApiError(404, "not_found", str(e)),
    SuratEdaranNotFound: lambda e: ApiError(404, "not_found", str(e)),
    VersionNotFound: lambda e: ApiError(404, "not_found", str(e)),
    LetterNotFound: lambda e: ApiError(404, "not_found", str(e)),
    TransitionNotAllowed: lambda e: ApiError(409, "transition_not_allowed", str(e)),
    WrongReviewer: lambda e: ApiError(403, "wrong_reviewer", str(e)),
    ConcurrentUpdate: lambda e: ApiError(409, "concurrent_update", str(e)),
    TemplateError: _template_error,
}
