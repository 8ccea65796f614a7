"""The emulator is its own distribution: it runs without authsome_nb, and its pytest plugin,
loaded into every pytest run of an environment that has it, imports nothing until used."""

from __future__ import annotations

import subprocess
import sys

_TOP_LEVEL = "sorted({m.split('.')[0] for m in sys.modules})"


def _modules_after(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", f"import sys\n{code}\nprint({_TOP_LEVEL})"],
                          capture_output=True, text=True, check=True, timeout=60)
    return eval(done.stdout.strip().splitlines()[-1])  # a list literal printed by the child


def test_loading_the_pytest_plugin_imports_neither_the_emulator_nor_cryptography():
    loaded = _modules_after("import authsome_nb_emulator.pytest_plugin")
    assert "cryptography" not in loaded and "http" not in loaded
    assert "authsome_nb" not in loaded


def test_a_running_emulator_never_imports_the_product():
    loaded = _modules_after(
        "from authsome_nb_emulator import Emulator\n"
        "import json, ssl, urllib.request\n"
        "with Emulator() as emu:\n"
        "    context = ssl.create_default_context(cafile=emu.ca_path)\n"
        "    url = emu.url + '/common/v2.0/.well-known/openid-configuration'\n"
        "    assert 'token_endpoint' in json.load(urllib.request.urlopen(url, context=context))\n")
    assert "cryptography" in loaded  # it really ran
    assert "authsome_nb" not in loaded
