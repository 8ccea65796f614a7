"""azure-core and google-auth are extras: not imported until a credential is asked for, and a
clear error naming the extra when missing."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import authsome_nb as an
an.credential, an.run  # the verbs resolve without importing their packages' dependencies
print(sorted(m for m in ("azure.core", "google.auth", "authsome_nb.broker", "cryptography.x509")
             if m in sys.modules))
"""
MISSING = """
import sys
sys.modules["azure.core"] = sys.modules["azure.core.credentials"] = None  # not installed
from authsome_nb.errors import MissingDependencyError
try:
    import authsome_nb.sdk._azure
except MissingDependencyError as error:
    print(error.remedy)
"""


def test_importing_the_package_imports_no_sdk():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_a_missing_extra_is_named():
    done = subprocess.run([sys.executable, "-c", MISSING], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ('pip install "azure-core>=1.31" (what the \'azure\' extra of '
                                   "authsome-nb installs)")
