"""The store's on-disk envelope: a versioned header, then AES-256-GCM ciphertext.

Layout (all of the header is bound as associated data, so changing any byte of it fails
authentication just like changing the ciphertext)::

    magic    4  b"ASNB"
    version  1  format version: 2 (records nested per engine, authsome-nb 0.3) or 1 (flat
                records, 0.2 and the Graph sync files); a newer one is refused
    kind     1  key source that wrote it (1 env key, 2 passphrase, 3 keyring, 4 key file)
    key id   8  first 8 bytes of HMAC-SHA256(key, "authsome_nb key id") — tells a wrong key
                from a tampered file without revealing anything about the key
    kdf      4  scrypt log2(n), r, p, salt length (all 0 unless passphrase)
    salt     n  scrypt salt (passphrase only)
    nonce   12  fresh random nonce per write
    ciphertext + 16-byte tag
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from dataclasses import dataclass

from ._kdf import KdfParams, kdf_problem

MAGIC = b"ASNB"
#: The newest format this version reads.  ``seal`` writes the version its caller names.
FORMAT_VERSION = 2
NONCE_BYTES = 12
PASSPHRASE_KIND = 2
NO_KDF = KdfParams()  # the key sources that derive nothing
_FIXED = struct.Struct(">4sBB8sBBBB")

KIND_NAMES = {1: "AUTHSOME_NB_KEY", 2: "AUTHSOME_NB_PASSPHRASE", 3: "OS keyring", 4: "key file"}


class EnvelopeError(ValueError):
    """Why bytes are not a readable store; ``reason`` in {foreign, version, wrong_key, tampered}.

    ``partial``: what the first bytes of a sound store would also give (empty, cut short, or
    failing authentication with the right key): a read that met a file being replaced, through
    a cache that still had the old size, looks like this too, so it is worth reading again.
    """

    def __init__(self, reason: str, message: str, header: Header | None = None, *,
                 partial: bool = False) -> None:
        super().__init__(message)
        self.reason = reason
        self.header = header
        self.partial = partial


@dataclass(frozen=True)
class Header:
    version: int
    kind: int
    key_id: bytes
    kdf: KdfParams

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, f"unknown source {self.kind}")


def key_id(key: bytes) -> bytes:
    return hmac.new(key, b"authsome_nb key id", hashlib.sha256).digest()[:8]


def _header_bytes(header: Header) -> bytes:
    kdf = header.kdf
    return (
        _FIXED.pack(
            MAGIC,
            header.version,
            header.kind,
            header.key_id,
            kdf.log2_n,
            kdf.r,
            kdf.p,
            len(kdf.salt),
        )
        + kdf.salt
    )


def read_header(blob: bytes) -> tuple[Header, int]:
    """Parse the header; returns it and the offset of the nonce."""
    if len(blob) < _FIXED.size or blob[:4] != MAGIC:
        raise EnvelopeError("foreign", "not an authsome_nb store (unknown file format)",
                            partial=len(blob) < _FIXED.size and MAGIC.startswith(blob[:4]))
    magic, version, kind, kid, log2_n, r, p, salt_len = _FIXED.unpack_from(blob)
    if version > FORMAT_VERSION:
        header = Header(version, kind, kid, KdfParams())
        raise EnvelopeError(
            "version",
            f"written by a newer authsome_nb (store format {version}; "
            f"this version reads {FORMAT_VERSION})",
            header,
        )
    end = _FIXED.size + salt_len
    if len(blob) < end + NONCE_BYTES + 16:
        raise EnvelopeError("tampered", "the file is truncated", partial=True)
    header = Header(version, kind, kid, KdfParams(log2_n, r, p, blob[_FIXED.size : end]))
    # Bounded before anything derives a key from them (the header is authenticated only after).
    if kind == PASSPHRASE_KIND:
        problem = kdf_problem(header.kdf)
        if problem is not None:
            raise EnvelopeError("tampered", problem, header)
    elif not header.kdf.is_empty:
        raise EnvelopeError("tampered", "its header carries scrypt parameters for a key source "
                            "that has none", header)
    return header, end


def seal(plaintext: bytes, key: bytes, kind: int, kdf: KdfParams = NO_KDF, *,
         version: int = 1, bound_to: bytes = b"") -> bytes:
    """Encrypt with a fresh nonce; the header (with ``version``) is the associated data,
    followed by ``bound_to`` (what the file belongs to: not written, but needed to open it)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header = _header_bytes(Header(version, kind, key_id(key), kdf))
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + AESGCM(key).encrypt(nonce, plaintext, header + bound_to)


def open_sealed(blob: bytes, key: bytes, *, bound_to: bytes = b"") -> bytes:
    """Decrypt, or raise EnvelopeError saying whether the key differs or the bytes were changed
    (or, with ``bound_to``, the file belongs to something else)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header, offset = read_header(blob)
    nonce = blob[offset : offset + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[offset + NONCE_BYTES :],
                                   blob[:offset] + bound_to)
    except (ValueError, OverflowError, TypeError) as exc:  # a key or a length cryptography refuses
        raise EnvelopeError("tampered", f"it cannot be decrypted ({type(exc).__name__})",
                            header) from None
    except InvalidTag:
        if not hmac.compare_digest(header.key_id, key_id(key)):
            raise EnvelopeError(
                "wrong_key",
                f"the key in use is not the one that wrote it ({header.kind_name})",
                header,
            ) from None
        raise EnvelopeError(
            "tampered", "authentication failed: the file was modified or is corrupt", header,
            partial=True,
        ) from None
