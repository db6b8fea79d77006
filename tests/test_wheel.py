"""The wheel carries the default rule pack: build it, install it in a fresh venv, use it.

Slow (a build and an install), so it is marked; CI runs it all the same.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow


def test_installed_wheel_lists_rules_and_scans_from_another_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("chatguard-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    chatguard = env_dir / "bin" / "chatguard"
    listed = subprocess.run(
        [str(chatguard), "rules", "list"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert "swearing.profanity" in listed.stdout
    chat = FIXTURES / "demo" / "WhatsApp Chat with Year 3 Parents.txt"
    scanned = subprocess.run(
        [str(chatguard), "scan", str(chat), "--format", "json"],
        cwd=elsewhere,
        check=False,
        capture_output=True,
        text=True,
    )
    assert scanned.returncode == 1, scanned.stderr
    assert '"rule": "swearing.profanity"' in scanned.stdout
    markdown = subprocess.run(
        [str(chatguard), "scan", str(chat), "--format", "markdown"],
        cwd=elsewhere,
        check=False,
        capture_output=True,
        text=True,
    )
    assert "| Line | Time |" in markdown.stdout, markdown.stderr  # templates are packaged
    module = subprocess.run(
        [str(python), "-m", "chatguard", "--version"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.stdout.startswith("chatguard ")
