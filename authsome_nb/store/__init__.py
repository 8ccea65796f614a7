"""The encrypted token store shared by every kernel, terminal and Jupyter server of a user."""

from ._file import STORE_FILE, EncryptedStore, Transaction
from ._keys import KEY_ENV, PASSPHRASE_ENV, usable_keyring_backend
from ._lease import LEASE_SECONDS_ENV
from ._lock import InterProcessLock, InterProcessSlots
from ._shared_lock import SharedHomeLock, StoreLock, home_lock

__all__ = [
    "KEY_ENV",
    "LEASE_SECONDS_ENV",
    "PASSPHRASE_ENV",
    "STORE_FILE",
    "EncryptedStore",
    "InterProcessLock",
    "InterProcessSlots",
    "SharedHomeLock",
    "StoreLock",
    "Transaction",
    "home_lock",
    "usable_keyring_backend",
]
