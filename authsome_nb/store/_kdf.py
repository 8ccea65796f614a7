"""The passphrase's key derivation: scrypt, with the header's parameters bounded before use.

The parameters and the salt travel in the store's header, which is authenticated only once
the key is derived: a tampered header could ask for ``p=255`` (minutes of CPU) or ``n=2^30``
(gigabytes), or for values scrypt rejects with a bare ``ValueError``.  So they are checked
first, against bounds wide enough for every store this library writes or wrote.

New stores use OWASP's current minimum for scrypt, N=2^17, r=8, p=1 (Password Storage Cheat
Sheet, https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt);
stores written with the earlier N=2^15 keep opening, and move to the current settings on
their next write.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

KEY_BYTES = 32
SALT_BYTES = 16


@dataclass(frozen=True)
class KdfParams:
    log2_n: int = 0
    r: int = 0
    p: int = 0
    salt: bytes = b""

    @property
    def is_empty(self) -> bool:
        return not (self.log2_n or self.r or self.p or self.salt)

    def describe(self) -> str:
        return f"scrypt n=2^{self.log2_n}, r={self.r}, p={self.p}, {len(self.salt)}-byte salt"


CURRENT = KdfParams(log2_n=17, r=8, p=1)
LEGACY = KdfParams(log2_n=15, r=8, p=1)  # what stores written before OWASP's 2^17 carry

# Accepted from a header: the work of at most 4x, and the memory of at most 2x, the current
# settings; nothing weaker than the legacy ones.
MIN_LOG2_N, MAX_LOG2_N = 15, 18
MAX_R, MAX_P = 16, 4
MAX_MEMORY = 2 * 128 * CURRENT.r * (1 << CURRENT.log2_n)  # scrypt needs 128 * r * N bytes
MAX_WORK = 4 * (1 << CURRENT.log2_n) * CURRENT.r * CURRENT.p
MIN_SALT, MAX_SALT = 16, 64


def kdf_problem(kdf: KdfParams) -> str | None:
    """Why ``kdf`` (read from a header) must not be used, or None when it is within bounds."""
    n_ok = MIN_LOG2_N <= kdf.log2_n <= MAX_LOG2_N
    if not (n_ok and 1 <= kdf.r <= MAX_R and 1 <= kdf.p <= MAX_P):
        return f"its header asks for {kdf.describe()}, outside what authsome_nb accepts"
    n = 1 << kdf.log2_n
    if 128 * kdf.r * n > MAX_MEMORY or n * kdf.r * kdf.p > MAX_WORK:
        return f"its header asks for {kdf.describe()}, more work than authsome_nb accepts"
    if not MIN_SALT <= len(kdf.salt) <= MAX_SALT:
        return f"its header carries a {len(kdf.salt)}-byte scrypt salt"
    return None


def is_outdated(kdf: KdfParams) -> bool:
    """True for parameters weaker than :data:`CURRENT` (rewritten with new ones on a write)."""
    return (1 << kdf.log2_n) * kdf.r * kdf.p < (1 << CURRENT.log2_n) * CURRENT.r * CURRENT.p


def fresh_params() -> KdfParams:
    return KdfParams(CURRENT.log2_n, CURRENT.r, CURRENT.p, os.urandom(SALT_BYTES))


_derived: dict[tuple[bytes, KdfParams], bytes] = {}


def derive(passphrase: str, kdf: KdfParams) -> bytes:
    """The 32-byte key for ``passphrase`` under ``kdf`` (checked by :func:`kdf_problem` first).

    Remembered per process (by a hash of the passphrase): every reload of the store would
    otherwise cost the derivation again.
    """
    problem = kdf_problem(kdf)
    if problem is not None:  # callers check first; this keeps a bad header from ever running
        raise ValueError(problem)
    cache_key = (hashlib.sha256(passphrase.encode()).digest(), kdf)
    key = _derived.get(cache_key)
    if key is None:
        n = 1 << kdf.log2_n
        key = hashlib.scrypt(
            passphrase.encode(), salt=kdf.salt, n=n, r=kdf.r, p=kdf.p,
            maxmem=128 * kdf.r * n + (8 << 20), dklen=KEY_BYTES,
        )
        _derived[cache_key] = key
    return key
