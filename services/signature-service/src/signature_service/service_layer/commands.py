"""What signature-service's use cases are asked to do: one frozen command per use case (api/ builds them from
a request, consumers/ from an event, the service layer's handlers carry them out)."""

from __future__ import annotations

from dataclasses import dataclass, field

from naskah_shared.contracts import SignatureRequested
from naskah_shared.messages import Envelope
from signature_service.service_layer.accounts import SignerAccount


@dataclass(frozen=True)
class Client:
    """Where a signer's call came from, for the audit trail."""

    remote_addr: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class RequestSignatures:
    """Open one request per signer and document (a signature.requested, as its consumer read it); `event`
    is claimed once, and the requests' answers follow on its chain."""

    message: SignatureRequested
    event: Envelope


@dataclass(frozen=True)
class Sign:
    request_id: str
    account: SignerAccount
    passphrase: str = field(repr=False)
    client: Client = Client()


@dataclass(frozen=True)
class Reject:
    request_id: str
    account: SignerAccount
    note: str
    client: Client = Client()


@dataclass(frozen=True)
class RequestTotp:
    """Ask the signer's key backend for a one-time code for this request (BSrE v2)."""

    request_id: str
    account: SignerAccount


@dataclass(frozen=True)
class SignBatch:
    """Every pending document of one batch, for one signer, with one passphrase."""

    batch_id: str
    account: SignerAccount
    passphrase: str = field(repr=False)
    client: Client = Client()


@dataclass(frozen=True)
class RejectBatch:
    batch_id: str
    account: SignerAccount
    note: str
    client: Client = Client()
