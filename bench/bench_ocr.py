"""Benchmark OCR of attached images: images per second without and with the cache.

    python bench/bench_ocr.py [--images 24]

Builds a zip export "with media" in memory from the test image generator (email screenshots
and ordinary pictures, phone and desktop sizes), then times ``chatguard.scan.read_images`` twice
against an empty private cache folder: the first run OCRs every image (both cores), the second
reads the cache. Needs Tesseract and Pillow.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import images  # noqa: E402


def build_export(folder: Path, count: int) -> Path:
    makers = [
        images.phone_email,
        lambda: images.phone_email(dark=True),
        images.desktop_email,
        lambda: images.desktop_email(dark=True),
        images.party_invitation,
        images.timetable,
    ]
    lines = []
    path = folder / "WhatsApp Chat - Bench.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(count):
            name = f"{i:08d}-PHOTO-2025-09-17-16-45-10.jpg"
            # Vary one pixel row per image so each has its own hash (no accidental cache hits).
            data = makers[i % len(makers)]() + i.to_bytes(4, "big")
            archive.writestr(name, data)
            lines.append(f"[17/09/2025, 16:{i % 60:02d}:00] Parent {i}: \u200e<attached: {name}>")
        archive.writestr("_chat.txt", "\n".join(lines) + "\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=24)
    args = parser.parse_args()
    from chatguard import read_chat
    from chatguard.scan import read_images

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CHATGUARD_CACHE_DIR"] = str(folder / "cache")
        chat = read_chat(build_export(folder, args.images))
        rows = []
        for label in ("no cache (first scan)", "cache (second scan)"):
            start = time.perf_counter()
            texts, note = read_images(chat)
            seconds = time.perf_counter() - start
            rows.append((label, len(texts), seconds, len(texts) / seconds))
            print(f"  {note}", file=sys.stderr)
    print("| run | images | seconds | images/s |")
    print("|---|---:|---:|---:|")
    for label, n, seconds, rate in rows:
        print(f"| {label} | {n} | {seconds:.2f} | {rate:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
