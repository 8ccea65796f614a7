"""``python3 dev.py demo`` as a new user runs it: the emulator, a device code, mail per day."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.py"


def test_the_terminal_demo_signs_in_and_charts_the_mail_without_showing_a_token():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTHSOME_NB_", "MICROSOFT_"))}
    done = subprocess.run([sys.executable, DEMO, "--approve-after", "0"], env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "To sign in, open https://127.0.0.1:" in out and "Signed in to microsoft as" in out
    assert "(masked," in out and "Mail per day:" in out
    assert re.search(r"The last 50 messages", out)
    assert not re.search(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ", out + done.stderr)
