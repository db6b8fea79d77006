"""--ocr: text in attached images (exports saved "with media") is scanned too."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.support import images

LRM = "\u200e"
CHAT = f"""\
[17/09/2025, 16:40:00] Year 3 Parents: {LRM}Messages and calls are end-to-end encrypted.
[17/09/2025, 16:45:00] Dean Carver: look at the email the deputy head sent me
[17/09/2025, 16:45:10] Dean Carver: {LRM}<attached: 00000010-PHOTO-2025-09-17-16-45-10.jpg>
[17/09/2025, 16:50:00] Sarah Jones: {LRM}<attached: 00000011-PHOTO-2025-09-17-16-50-00.jpg>
[17/09/2025, 16:51:00] Sarah Jones: Party invite for Saturday!
[17/09/2025, 17:00:00] Mo Ahmed: {LRM}<attached: 00000012-PHOTO-2025-09-17-17-00-00.jpg>
[17/09/2025, 17:05:00] Kelly Ward: {LRM}<attached: 00000013-PHOTO-2025-09-17-17-05-00.jpg>
[17/09/2025, 17:10:00] Kelly Ward: new timetable
[17/09/2025, 17:20:00] Dean Carver: {LRM}<attached: 00000014-PHOTO-2025-09-17-17-20-00.jpg>
[17/09/2025, 17:30:00] Priya Shah: {LRM}<attached: 00000015-PHOTO-2025-09-17-17-30-00.jpg>
"""

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None and not os.environ.get("CI"),
    reason="needs Tesseract (apt-get install tesseract-ocr); CI installs it",
)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "WhatsApp Chat - Year 3 Parents.zip"
    pictures = {
        "00000010-PHOTO-2025-09-17-16-45-10.jpg": images.phone_email(),
        "00000011-PHOTO-2025-09-17-16-50-00.jpg": images.party_invitation(),
        "00000012-PHOTO-2025-09-17-17-00-00.jpg": images.photo_like(),
        "00000013-PHOTO-2025-09-17-17-05-00.jpg": images.timetable(),
        "00000014-PHOTO-2025-09-17-17-20-00.jpg": images.desktop_email(dark=True),
        "00000015-PHOTO-2025-09-17-17-30-00.jpg": images.phone_email(dark=True),
    }
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("_chat.txt", CHAT)
        for name, data in pictures.items():
            archive.writestr(name, data)
    return path


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CHATGUARD_CACHE_DIR", str(folder))
    return folder


def image_findings(run: Run) -> dict[str, list[str]]:
    report = json.loads(run.out)
    found: dict[str, list[str]] = {}
    for finding in report["findings"]:
        if finding["text"].startswith("[text in image "):
            name = finding["text"].split("]", 1)[0].removeprefix("[text in image ")
            found.setdefault(name, []).append(finding["category"])
    return found


@needs_tesseract
def test_email_screenshots_are_flagged_and_other_images_are_not(
    cli: Callable[..., Run], export: Path, private_cache: Path
) -> None:
    run = cli("scan", str(export), "--ocr", "--format", "json")
    found = image_findings(run)
    for email in (
        "00000010-PHOTO-2025-09-17-16-45-10.jpg",  # phone, light
        "00000014-PHOTO-2025-09-17-17-20-00.jpg",  # desktop, dark
        "00000015-PHOTO-2025-09-17-17-30-00.jpg",
    ):  # phone, dark
        assert "private-email" in found.get(email, []), (email, found)
    for innocent in (
        "00000011-PHOTO-2025-09-17-16-50-00.jpg",
        "00000012-PHOTO-2025-09-17-17-00-00.jpg",
        "00000013-PHOTO-2025-09-17-17-05-00.jpg",
    ):
        assert innocent not in found, (innocent, found)
    report = json.loads(run.out)
    quoted = [f for f in report["findings"] if f["text"].startswith("[text in image 00000010")]
    assert "d.hill@dingle.dudley.sch.uk" in quoted[0]["text"]  # the recognised text is quoted
    assert "read 6 image(s) (0 from the cache)" in run.err


@needs_tesseract
def test_second_scan_uses_the_cache_and_no_image_touches_disk(
    cli: Callable[..., Run], export: Path, private_cache: Path, tmp_path: Path
) -> None:
    first = cli("scan", str(export), "--ocr", "--format", "json")
    second = cli("scan", str(export), "--ocr", "--format", "json")
    assert "(6 from the cache)" in second.err
    assert image_findings(first) == image_findings(second)
    assert private_cache.joinpath("ocr").stat().st_mode & 0o777 == 0o700
    cached = list(private_cache.joinpath("ocr").iterdir())
    assert cached and all(p.suffix == ".txt" for p in cached)
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in cached)
    on_disk = [p for p in tmp_path.rglob("*") if p.suffix.lower() in {".jpg", ".png"}]
    assert on_disk == []


@needs_tesseract
def test_no_cache_option_writes_nothing(
    cli: Callable[..., Run], export: Path, private_cache: Path
) -> None:
    cli("scan", str(export), "--ocr", "--no-ocr-cache", "--format", "json")
    assert not private_cache.joinpath("ocr").exists()


def test_without_tesseract_the_scan_goes_on(
    cli: Callable[..., Run], export: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    run = cli("scan", str(export), "--ocr", "--format", "json")
    assert run.code in (0, 1)
    assert "needs Tesseract" in run.err and "apt-get install tesseract-ocr" in run.err
    assert len(run.err.strip().splitlines()) == 1
    # The text-only signal still works: "look what the deputy head sent me" + an image beside it.
    report = json.loads(run.out)
    assert any(f["category"] == "private-email" and f["line"] == 2 for f in report["findings"])


def test_ocr_on_an_export_without_media_says_so(cli: Callable[..., Run], tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("13/09/2025, 08:00 - Sarah Jones: hello\n", encoding="utf-8")
    run = cli("scan", str(chat), "--ocr")
    assert run.code == 0
    assert "nothing to read" in run.err
