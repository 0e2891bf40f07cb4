"""What signature-service's api/ reaches of the composition root: the service layer's objects and the settings.

`bootstrap.Container` has every member named here (bootstrap sets the ones it declares optional). api/ may not
import the composition root (import-linter's "api and consumers import no adapters and not the composition
root"), so the views see the container through this Protocol, fetched by
`signature_service.api.container.container()`.
"""

from __future__ import annotations

from typing import Protocol

from naskah_shared.runtime import Runtime
from naskah_shared.web.ratelimit import RateLimiter
from signature_service.service_layer.accounts import SignerAccount
from signature_service.service_layer.archive import ArchiveService
from signature_service.service_layer.batches import BatchSigning
from signature_service.service_layer.disposisi_inbox import DisposisiInbox
from signature_service.service_layer.inbox import InboxService
from signature_service.service_layer.people import PeopleService
from signature_service.service_layer.previews import PreviewService
from signature_service.service_layer.reviews import SkReviews
from signature_service.service_layer.signing import SigningService
from signature_service.service_layer.verification import VerificationService
from signature_service.settings import SignatureSettings


class Services(Protocol):
    @property
    def settings(self) -> SignatureSettings: ...
    @property
    def runtime(self) -> Runtime: ...
    @property
    def accounts(self) -> dict[str, SignerAccount]: ...
    @property
    def signing(self) -> SigningService: ...
    @property
    def batches(self) -> BatchSigning: ...
    @property
    def people(self) -> PeopleService: ...
    @property
    def inbox(self) -> InboxService: ...
    @property
    def sk_reviews(self) -> SkReviews: ...
    @property
    def disposisi(self) -> DisposisiInbox: ...
    @property
    def previews(self) -> PreviewService: ...
    @property
    def archive(self) -> ArchiveService: ...
    @property
    def verification(self) -> VerificationService: ...
    @property
    def login_limiter(self) -> RateLimiter | None:
        """Login attempts per client address; None when NASKAH_LOGIN_RATE_PER_MINUTE is 0."""
    @property
    def verify_limiter(self) -> RateLimiter | None:
        """Public verification per client address; None when NASKAH_VERIFY_RATE_PER_MINUTE is 0."""
