"""The encrypted token store shared by every kernel, terminal and Jupyter server of a user.

What other packages use of it: the store file (:class:`EncryptedStore`, its typed
:class:`ConnectionRecord` per connection), the locks between processes
(:class:`InterProcessLock`, :class:`InterProcessSlots`), and the envelope (:func:`seal`,
:func:`open_sealed`) for other files kept under the store's key.
"""

from ._envelope import EnvelopeError, Header, open_sealed, read_header, seal
from ._file import SETTLE_SECONDS, STORE_FILE, EncryptedStore, Transaction
from ._keys import KEY_ENV, PASSPHRASE_ENV, KeySource, usable_keyring_backend
from ._lease import LEASE_SECONDS_ENV
from ._lock import InterProcessLock, InterProcessSlots
from ._records import (
    Account,
    ApiKeyState,
    ConnectionRecord,
    EngineState,
    HeldToken,
    MsalState,
    OAuth2Server,
    OAuth2State,
    OAuth2Tokens,
    OpaqueState,
)
from ._shared_lock import SharedHomeLock, StoreLock, home_lock

__all__ = [
    "KEY_ENV",
    "LEASE_SECONDS_ENV",
    "PASSPHRASE_ENV",
    "SETTLE_SECONDS",
    "STORE_FILE",
    "Account",
    "ApiKeyState",
    "ConnectionRecord",
    "EncryptedStore",
    "EngineState",
    "EnvelopeError",
    "Header",
    "HeldToken",
    "InterProcessLock",
    "InterProcessSlots",
    "KeySource",
    "MsalState",
    "OAuth2Server",
    "OAuth2State",
    "OAuth2Tokens",
    "OpaqueState",
    "SharedHomeLock",
    "StoreLock",
    "Transaction",
    "home_lock",
    "open_sealed",
    "read_header",
    "seal",
    "usable_keyring_backend",
]
