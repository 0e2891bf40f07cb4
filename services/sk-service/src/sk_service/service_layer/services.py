"""What sk-service's api/ reaches of the composition root: the service layer's objects and the settings.

`bootstrap.Container` has every member named here. api/ may not import the composition root (import-linter's
"api and consumers import no adapters and not the composition root"), so the views see the container through
this Protocol, fetched by `sk_service.api.container.container()`.
"""

from __future__ import annotations

from typing import Protocol

from naskah_shared.messages import Envelope
from naskah_shared.runtime import Runtime
from sk_service.domain.naskah import Office
from sk_service.service_layer.documents import SkDocuments
from sk_service.service_layer.templates import TemplateCatalogue
from sk_service.service_layer.unit_of_work import SkUnitOfWork
from sk_service.settings import SkSettings


class Services(Protocol):
    @property
    def settings(self) -> SkSettings: ...
    @property
    def runtime(self) -> Runtime: ...
    @property
    def office(self) -> Office: ...
    @property
    def documents(self) -> SkDocuments: ...
    @property
    def templates(self) -> TemplateCatalogue: ...
    def uow(self, *, cause: Envelope | None = None) -> SkUnitOfWork: ...
