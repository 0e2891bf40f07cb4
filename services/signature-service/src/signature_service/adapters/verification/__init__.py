"""Verification of any PAdES PDF: per signature and document timestamp, in ETSI EN 319 102-1's terms."""

from signature_service.adapters.verification.verifier import PadesVerifier, VerificationLimits

__all__ = ["PadesVerifier", "VerificationLimits"]
