"""Self-signed certificates and signed tokens for the credential tests."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class SelfSigned:
    """A key pair and its self-signed certificate, in PEM."""

    key_pem: str
    certificate_pem: str

    def write(self, path: Path) -> Path:
        """Write the key and certificate to one PEM file (what azure-identity reads)."""
        path.write_text(self.key_pem + self.certificate_pem, encoding="utf-8")
        return path


def self_signed(name: str = "accord-test") -> SelfSigned:
    """Return a new RSA key and a self-signed certificate for it, valid for a day."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return SelfSigned(
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
    )


def public_key_pem(certificate: SelfSigned) -> str:
    """The certificate's public key alone, in PEM (what a federated issuer publishes)."""
    loaded = x509.load_pem_x509_certificate(certificate.certificate_pem.encode())
    return (
        loaded.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def service_account_token(signer: SelfSigned, *, issuer: str, subject: str, audience: str) -> str:
    """A Kubernetes-like service account token, as AKS projects into a workload's pod."""
    now = int(time.time())
    return jwt.encode(
        {"iss": issuer, "sub": subject, "aud": audience, "iat": now, "exp": now + 3600},
        signer.key_pem,
        algorithm="RS256",
    )
