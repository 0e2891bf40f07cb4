"""The one place signature-service's adapters are chosen and wired."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from naskah_shared.bus.ports import Bus
from naskah_shared.runtime import Runtime
from naskah_shared.storage.ports import Buckets, ObjectStore
from naskah_shared.web.ratelimit import RateLimiter
from signature_service import consumers
from signature_service.adapters.accounts import (
    load_accounts,
    signer_opener,
    status_checker,
    totp_sender,
)
from signature_service.adapters.anchors import find_anchor
from signature_service.adapters.bsre_client import BsreClient, BsreConfig
from signature_service.adapters.catatan_tte import CatatanTte
from signature_service.adapters.pades import prepare_fields
from signature_service.adapters.pdfium import PdfiumRenderer
from signature_service.adapters.people import Argon2Hasher
from signature_service.adapters.report_client import HttpReportDisposisi
from signature_service.adapters.sk_client import HttpSkReviews
from signature_service.adapters.tables import metadata, outbox
from signature_service.adapters.unit_of_work import SqlSignatureUnitOfWork
from signature_service.adapters.verification import PadesVerifier, VerificationLimits
from signature_service.adapters.verification.workers import default_pool
from signature_service.adapters.verification_cache import SqlVerificationCache
from signature_service.pki.accounts import dev_accounts
from signature_service.pki.devpki import AnimatorServer, DevPki
from signature_service.service_layer.accounts import KeyRing, SignerAccount
from signature_service.service_layer.archive import ArchiveService
from signature_service.service_layer.batches import BatchSigning
from signature_service.service_layer.dependencies import SigningDependencies
from signature_service.service_layer.disposisi_inbox import DisposisiInbox
from signature_service.service_layer.inbox import InboxService
from signature_service.service_layer.people import PeopleService
from signature_service.service_layer.ports import (
    SignatureLevel,
)
from signature_service.service_layer.previews import PreviewService
from signature_service.service_layer.reconciler import Reconciler
from signature_service.service_layer.signing import SigningService
from signature_service.service_layer.unit_of_work import Cause, UnitOfWorkFactory
from signature_service.service_layer.verification import VerificationService
from signature_service.settings import SignatureSettings

log = logging.getLogger(__name__)


@dataclass
class Container:
    settings: SignatureSettings
    runtime: Runtime
    accounts: dict[str, SignerAccount]
    signing: SigningService
    batches: BatchSigning
    keyring: KeyRing
    pki: DevPki | None = None
    dev_tokens: dict[str, str] = field(default_factory=dict, repr=False)
    animator: AnimatorServer | None = None
    people: PeopleService | None = None
    inbox: InboxService | None = None
    sk_reviews: HttpSkReviews | None = None
    disposisi: DisposisiInbox | None = None
    login_limiter: RateLimiter | None = None  # login attempts per client address, whatever name they try
    previews: PreviewService | None = None
    archive: ArchiveService | None = None
    reconciler: Reconciler | None = None
    verification: VerificationService | None = None
    verify_limiter: RateLimiter | None = None  # public verification (API and page), per client address

    def web(self) -> dict[str, Any]:
        from signature_service.api.archive import blp as archive
        from signature_service.api.archive_pages import bp as archive_pages
        from signature_service.api.batches import blp as batches
        from signature_service.api.pages import bp as pages
        from signature_service.api.people_pages import bp as people_pages
        from signature_service.api.requests import blp as requests
        from signature_service.api.site import bp as site
        from signature_service.api.verify import blp as verify
        from signature_service.api.verify_page import bp as verify_page

        return {"title": "naskah signature-service",
                "description": "PAdES signatures for the Kabid and the Kadis, verification, the locked archive.",
                "blueprints": [requests, batches, verify, archive],
                "plain_blueprints": [site, pages, people_pages, verify_page, archive_pages],
                "auth_exempt": _signer_or_public}

    def serve_pki(self) -> None:
        """Serve the TEST-ONLY PKI's OCSP/CRL/TSA here, unless something already answers on its port."""
        if self.pki is None or self.animator is not None:
            return
        parts = urlsplit(self.pki.base_url)
        with socket.socket() as s:
            if s.connect_ex((parts.hostname, parts.port)) == 0:
                return
        self.animator = self.pki.serve_animator()
        log.warning("serving the TEST-ONLY PKI", extra={"url": self.pki.base_url})

    def close(self) -> None:
        if self.reconciler is not None:
            self.reconciler.stop()
        self.runtime.stop()
        self.keyring.close()
        if self.previews is not None:
            self.previews.close()
        if self.animator is not None:
            self.animator.stop()
            self.animator = None


def _signer_or_public() -> bool:
    """Routes with their own authentication: the signers' (bearer token) and public verification."""
    from flask import request

    return request.path == "/api/verify" or request.path.startswith(("/api/signature-requests",
                                                                     "/api/signature-batches"))



def bootstrap(settings: SignatureSettings, *, bus: Bus | None = None, store: ObjectStore | None = None) -> Container:
    runtime = Runtime.build(settings, metadata, outbox, bus=bus, store=store)
    pki, tokens = None, {}
    if settings.signers_file:
        accounts = load_accounts(Path(settings.signers_file))
        roots = [Path(p) for p in settings.trust_roots.split(",") if p]
        others: list[Path] = []
        tsa_url = settings.tsa_url
    else:
        pki = DevPki.ensure(Path(settings.pki_dir), base_url=settings.pki_url)
        accounts, tokens = dev_accounts(pki)
        roots, others, tsa_url = [pki.root_cert_pem], [pki.interm_cert_pem], settings.tsa_url or pki.tsa_url
    bsre = _bsre_client(settings)
    keyring = KeyRing(signer_opener(trust_roots=roots, other_certs=others, tsa_url=tsa_url, bsre=bsre),
                      ttl=settings.key_cache_seconds)
    uow = _unit_of_work(runtime)
    signing = SigningService(uow, SigningDependencies(
        store=runtime.store, keyring=keyring, accounts=accounts,
        # Verification reads only what the PDF carries: fetching would make the server follow URLs that an
        # uploaded (untrusted) certificate names. Our B-LT documents carry their validation data.
        verifier=PadesVerifier(roots, allow_fetching=False, limits=VerificationLimits(
            max_signatures=settings.verify_max_signatures, max_pages=settings.verify_max_pages,
            budget_seconds=settings.verify_budget_seconds), pool=default_pool(settings.verify_workers)),
        level=SignatureLevel(settings.signature_level),
        verify_url=lambda document_id: f"{settings.verify_base_url.rstrip('/')}/verify/{document_id}",
        retention=timedelta(days=settings.signed_retention_days), lockout_attempts=settings.lockout_attempts,
        lockout=timedelta(minutes=settings.lockout_minutes), find_anchor=find_anchor, prepare_fields=prepare_fields,
        status_of=status_checker(bsre),
        # BSrE's v2 API signs several files in one call: a batch goes to it in chunks of NASKAH_BSRE_CHUNK
        chunk_of=lambda account: settings.bsre_chunk if (
            account.key.get("type") == "bsre" and settings.bsre_api == "v2") else 1,
        totp_sender=totp_sender(bsre), **_tata_naskah(settings)))
    container = Container(settings, runtime, accounts, signing, BatchSigning(signing), keyring, pki, tokens)
    container.people = PeopleService(
        uow=uow, hasher=Argon2Hasher(), lockout_attempts=settings.login_attempts,
        lockout_minutes=settings.login_lockout_minutes, idle_minutes=settings.session_idle_minutes,
        lifetime_minutes=settings.session_max_minutes, signers=lambda: set(accounts))
    container.inbox = InboxService(uow=uow, signer_name=lambda s: accounts[s].nama if s in accounts else s)
    container.sk_reviews = HttpSkReviews(settings.sk_url, secret=settings.secret_key, api_key=settings.sk_api_key)
    container.disposisi = DisposisiInbox(uow=uow, client=HttpReportDisposisi(
        settings.report_url, secret=settings.secret_key, api_key=settings.report_api_key))
    if settings.login_rate_per_minute > 0:  # argon2 costs 64 MiB and tens of ms a try: no flood of guesses
        container.login_limiter = RateLimiter(settings.login_rate_per_minute, settings.login_rate_burst)
    container.previews = PreviewService(PdfiumRenderer(), runtime.store)
    container.archive = ArchiveService(uow=uow, store=runtime.store)
    container.verification = VerificationService(
        verifier=signing.verifier, store=runtime.store, cache=SqlVerificationCache(runtime.engine),
        signed_document=signing.signed_document)
    if settings.verify_rate_per_minute > 0:
        container.verify_limiter = RateLimiter(settings.verify_rate_per_minute, settings.verify_rate_burst)
    consumers.subscribe(runtime.bus, signing, container.inbox, container.disposisi)
    runtime.on_start.append(lambda: runtime.store.ensure_bucket(Buckets.SIGNED, object_lock=True))
    runtime.on_start.append(lambda: runtime.store.ensure_bucket(Buckets.DRAFTS))
    runtime.on_start.append(container.serve_pki)
    container.reconciler = Reconciler(signing)  # settles what a crash left between archive and commit
    runtime.on_start.append(container.reconciler.start)
    return container


def _unit_of_work(runtime: Runtime) -> UnitOfWorkFactory:
    def factory(cause: Cause | None = None) -> SqlSignatureUnitOfWork:
        uow = runtime.unit_of_work(SqlSignatureUnitOfWork)
        uow.cause = cause
        return uow

    return factory


def _tata_naskah(settings: SignatureSettings) -> dict[str, Any]:
    """The office's stamp heading and BSrE footer (`tata_naskah` of NASKAH_OFFICE_FILE, checked by naskah_shared.office;
    its defaults, Permendagri 1/2023 as naskah reads it, apply when the office leaves them out)."""
    from naskah_shared.office import load_office

    rules = load_office(settings.office_file or None).tata_naskah
    return {"stamp_heading": rules.teks_stempel, "bsre_footer": CatatanTte(rules.catatan_tte_teks)}


def _bsre_client(settings: SignatureSettings) -> BsreClient | None:
    """The office's BSrE Esign Client Service, when configured (signer accounts with a BSrE key use it)."""
    if not settings.bsre_url:
        return None
    return BsreClient(BsreConfig(url=settings.bsre_url, user=settings.bsre_user, password=settings.bsre_password,
                                 api=settings.bsre_api, timeout=settings.bsre_timeout, retries=settings.bsre_retries,
                                 backoff=settings.bsre_backoff, chunk=settings.bsre_chunk))
