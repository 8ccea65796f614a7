"""Where the store's 256-bit key comes from: small strategy objects, tried in order.

1. ``AUTHSOME_NB_KEY``: base64 of 32 bytes (CI, containers, a secret manager).
2. ``AUTHSOME_NB_PASSPHRASE``: scrypt-derived; the salt lives in the store's header.
3. The OS keyring, only when a real backend exists (macOS Keychain, Windows Credential
   Locker, a running Secret Service).  ``keyring``'s fail, null and plaintext backends are
   refused: a headless server falls through to 4 instead of failing or storing in clear.
4. A ``0600`` key file in the home folder, created once (atomically: two kernels starting
   together agree on one key).

The explicit sources (1, 2) always win.  Between the automatic ones (3, 4) an existing
store keeps the source that wrote it, so installing a keyring later does not lock you out.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path

from .._home import ensure_private_dir, read_private_file, write_private
from ..errors import ConfigurationError, StoreError
from ._envelope import PASSPHRASE_KIND, Header
from ._kdf import KEY_BYTES, KdfParams, derive, fresh_params

KEY_ENV = "AUTHSOME_NB_KEY"
PASSPHRASE_ENV = "AUTHSOME_NB_PASSPHRASE"
KEYRING_ENV = "AUTHSOME_NB_KEYRING"  # "0" disables the keyring
KEY_FILE_NAME = "store.key"
KEYRING_SERVICE = "authsome_nb"


@dataclass(frozen=True)
class EnvKey:
    kind = 1
    value: str

    @property
    def label(self) -> str:
        return f"{KEY_ENV} (environment variable)"

    def key_for(self, header: Header | None) -> tuple[bytes, KdfParams]:
        return decode_key(self.value, KEY_ENV), KdfParams()


@dataclass(frozen=True)
class Passphrase:
    kind = PASSPHRASE_KIND
    value: str

    @property
    def label(self) -> str:
        return f"{PASSPHRASE_ENV} (scrypt)"

    def key_for(self, header: Header | None) -> tuple[bytes, KdfParams]:
        """The key for ``header``'s salt and parameters (bounded when the header was read);
        without a passphrase header, a fresh salt at the current parameters."""
        kdf = header.kdf if header is not None and header.kind == self.kind else fresh_params()
        return derive(self.value, kdf), kdf


@dataclass(frozen=True)
class KeyringKey:
    kind = 3
    account: str
    backend_name: str

    @property
    def label(self) -> str:
        return f"OS keyring ({self.backend_name})"

    def key_for(self, header: Header | None) -> tuple[bytes, KdfParams]:
        import keyring

        try:
            stored = keyring.get_password(KEYRING_SERVICE, self.account)
            if stored is None:
                stored = base64.b64encode(os.urandom(KEY_BYTES)).decode()
                keyring.set_password(KEYRING_SERVICE, self.account, stored)
        except Exception as exc:  # noqa: BLE001 - a locked or broken backend raises anything
            raise StoreError(
                f"The {self.label} did not give the store's key ({type(exc).__name__}); "
                "nothing was changed",
                remedy="unlock the keyring (sign in to the desktop session) and try again; or "
                f"set {KEY_ENV} / {PASSPHRASE_ENV} for a store of its own",
            ) from None
        return decode_key(stored, self.label), KdfParams()


@dataclass(frozen=True)
class KeyFile:
    kind = 4
    path: Path

    @property
    def label(self) -> str:
        return f"key file {self.path}"

    def key_for(self, header: Header | None) -> tuple[bytes, KdfParams]:
        """The key in the file (created on first use); refused unless the file is this
        user's, ``0600`` and not a link (see ``_home.read_private_file``)."""
        try:
            raw = read_private_file(self.path, secret=True)
        except FileNotFoundError:
            _create_key_file(self.path)
            raw = read_private_file(self.path, secret=True)
        return decode_key(raw.decode("ascii", "replace").strip(), str(self.path)), KdfParams()


KeySource = EnvKey | Passphrase | KeyringKey | KeyFile


def decode_key(text: str, origin: str) -> bytes:
    """32 bytes from standard or URL-safe base64; anything else is a configuration error."""
    cleaned = text.strip()
    cleaned += "=" * (-len(cleaned) % 4)
    key = b""
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            key = decode(cleaned.encode("ascii"))
            break
        except (binascii.Error, ValueError):
            continue
    if len(key) != KEY_BYTES:
        raise ConfigurationError(
            f"{origin} is not base64 of 32 bytes",
            remedy='create one with: python -c "import os,base64;'
            'print(base64.b64encode(os.urandom(32)).decode())"',
        )
    return key


def _create_key_file(path: Path) -> None:
    """Write a new random key, complete or not at all; a process that loses the race to create
    it uses the winner's key (the link is atomic)."""
    ensure_private_dir(path.parent)
    write_private(path, base64.b64encode(os.urandom(KEY_BYTES)) + b"\n", exclusive=True)


def usable_keyring_backend() -> str | None:
    """The name of a real keyring backend, or None (not installed, disabled, fail/plaintext)."""
    if os.environ.get(KEYRING_ENV, "").lower() in ("0", "false", "no", "off"):
        return None
    try:
        import keyring
        from keyring.backends import chainer
    except Exception:  # noqa: BLE001 - keyring is optional and may fail to import on odd systems
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return None
    backends = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    real = [b for b in backends if _is_real(b)]
    return type(real[0]).__module__ + "." + type(real[0]).__name__ if real else None


def _is_real(backend: object) -> bool:
    module = type(backend).__module__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")):
        return False
    return "plaintext" not in type(backend).__name__.lower()


def resolve_key_source(home: Path, existing: Header | None) -> KeySource:
    """The key source in force for the store in ``home`` (see the module docstring)."""
    if os.environ.get(KEY_ENV):
        return EnvKey(os.environ[KEY_ENV])
    if os.environ.get(PASSPHRASE_ENV):
        return Passphrase(os.environ[PASSPHRASE_ENV])
    key_file = KeyFile(home / KEY_FILE_NAME)
    if existing is not None and existing.kind == KeyFile.kind and key_file.path.exists():
        return key_file
    backend = usable_keyring_backend()
    if backend is not None and not (existing is None and key_file.path.exists()):
        return KeyringKey(account=f"store-key:{home.resolve()}", backend_name=backend)
    return key_file
