"""Print the HTML evidence summary to PDF with a Chromium-family browser already installed.

Safeguarding systems take PDFs. We do not bundle a browser: Chromium, Chrome or Edge is found on
PATH (or given with --browser) and run headless with networking features off, on a copy of the
page in a private temporary folder that is removed afterwards. The page itself forbids every
network load (Content-Security-Policy: default-src 'none').
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from chatguard.errors import ChatguardError

BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
)


def find_browser(given: Path | None = None) -> Path:
    """The browser to print with: ``given``, or the first Chromium-family browser on PATH."""
    if given is not None:
        if not given.is_file():
            raise ChatguardError(f"{given}: no such browser", hint="give the browser's program")
        return given
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise ChatguardError(
        "no Chromium, Chrome or Edge found to print the PDF",
        hint="write -o pack.html and use the browser's Print, or give --browser PATH",
    )


def html_to_pdf(html: str, browser: Path, *, timeout: float = 120.0) -> bytes:
    """Render ``html`` to PDF bytes in a headless browser."""
    with tempfile.TemporaryDirectory(prefix="chatguard-") as folder:
        os.chmod(folder, 0o700)
        page = Path(folder) / "summary.html"
        page.write_text(html, encoding="utf-8")
        page.chmod(0o600)
        out = Path(folder) / "summary.pdf"
        command = [
            str(browser),
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--metrics-recording-only",
            "--disable-quic",
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        if os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ChatguardError(f"{browser}: printing to PDF took over {timeout:g} s") from exc
        except OSError as exc:
            raise ChatguardError(f"{browser}: cannot be started ({exc.strerror})") from exc
        if not out.is_file() or out.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
            raise ChatguardError(
                f"{browser}: did not produce a PDF ({detail[0][:200]})",
                hint="write -o pack.html and use the browser's Print",
            )
        return out.read_bytes()
