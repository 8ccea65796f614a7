"""The encrypted token store shared by every kernel, terminal and Jupyter server of a user."""

from ._file import STORE_FILE, EncryptedStore, Transaction
from ._keys import KEY_ENV, PASSPHRASE_ENV, usable_keyring_backend

__all__ = [
    "KEY_ENV",
    "PASSPHRASE_ENV",
    "STORE_FILE",
    "EncryptedStore",
    "Transaction",
    "usable_keyring_backend",
]
