"""`rsp token` mints tokens the services accept, and refuses ones that could not be valid."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from runtime.auth import Principal, Role, read_token

RSP = str(Path(sys.executable).parent / "rsp")
KEY = "a-test-signing-key-" * 3


def _rsp_token(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSP_")} | {"RSP_JWT_SECRET": KEY}
    return subprocess.run([RSP, "token", *args], env=env, capture_output=True, text=True, check=False, timeout=60)


def test_school_token_reaches_its_one_school() -> None:
    minted = _rsp_token("--role", "school", "--urn", "123456", "--subject", "staff-7")

    assert minted.returncode == 0, minted.stderr
    assert read_token(KEY, minted.stdout.strip()) == Principal("staff-7", Role.SCHOOL, frozenset({"123456"}))


def test_school_token_without_a_school_is_refused() -> None:
    minted = _rsp_token("--role", "school")

    assert minted.returncode == 2
    assert "exactly one school" in minted.stderr
    assert minted.stdout == ""
