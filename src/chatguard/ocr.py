"""Read the text in images attached to messages (exports saved "with media").

The code of conduct forbids posting screenshots of private emails with staff; those arrive as
images. With ``--ocr``, every image a message points at is read from the zip *in memory*
(never written to disk), prepared with Pillow when it is installed (grey, dark mode inverted,
small text enlarged), and passed to Tesseract on its standard input; the recognised text is then
scanned by the rules like a message.

OCR runs in parallel on both cores. Results are cached by the image's SHA-256 (and the Tesseract
version) in an owner-only folder, so a second scan of the same export is fast. The cache holds
recognised text, which is as private as the export: it lives under the user's cache folder
(``$XDG_CACHE_HOME/chatguard/ocr``, or ``CHATGUARD_CACHE_DIR``) and ``--no-ocr-cache`` skips it.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from chatguard.errors import ChatguardError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff")
#: Images larger than this are not read (a photo of that size is not a screenshot of text).
MAX_IMAGE_BYTES = 25 * 1024 * 1024
#: Bump when the preparation of images changes, so old cached text is not reused.
PREPARATION_VERSION = "1"
INSTALL_HINT = "install it with: sudo apt-get install tesseract-ocr (macOS: brew install tesseract)"


@dataclass(frozen=True)
class ImageText:
    """What OCR found in one image."""

    name: str
    sha256: str
    text: str
    cached: bool


def tesseract() -> str | None:
    """The tesseract program, if installed."""
    return shutil.which("tesseract")


def tesseract_version(program: str) -> str:
    done = subprocess.run(
        [program, "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0] if first else "tesseract"


def cache_folder() -> Path:
    base = os.environ.get("CHATGUARD_CACHE_DIR")
    if base:
        return Path(base) / "ocr"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg or Path.home() / ".cache") / "chatguard" / "ocr"


def is_image(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


def images_in_zip(path: Path, wanted: set[str]) -> dict[str, bytes]:
    """The bytes of the zip's images whose base names are in ``wanted`` (read in memory)."""
    found: dict[str, bytes] = {}
    try:
        with path.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
            for info in archive.infolist():
                name = Path(info.filename).name
                if name not in wanted or info.is_dir() or info.flag_bits & 0x1:
                    continue
                if info.file_size > MAX_IMAGE_BYTES:
                    continue
                with archive.open(info) as member:
                    data = member.read(MAX_IMAGE_BYTES + 1)
                if len(data) <= MAX_IMAGE_BYTES:
                    found[name] = data
    except (OSError, zipfile.BadZipFile) as exc:
        raise ChatguardError(f"{path}: cannot read images from the zip ({exc})") from exc
    return found


def prepare(data: bytes) -> bytes:
    """Make an image easier to read: grey, light background, text at least ~20 px high.

    Without Pillow the image goes to Tesseract as it is.
    """
    try:
        from PIL import Image, ImageOps
    except ImportError:
        return data
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.grayscale(opened)
            if image.width * image.height > 40_000_000:
                return data
            histogram = image.histogram()
            dark = sum(histogram[:128]) > sum(histogram[128:])
            if dark:  # dark mode: light text on a dark background
                image = ImageOps.invert(image)
            if image.width < 1600:
                factor = 2 if image.width >= 800 else 3
                image = image.resize((image.width * factor, image.height * factor))
            out = io.BytesIO()
            image.save(out, format="PNG")
            return out.getvalue()
    except Exception:
        return data


def recognise(program: str, data: bytes, timeout: float = 60.0) -> str:
    """Tesseract on standard input: the image never touches the disk."""
    try:
        done = subprocess.run(
            [program, "stdin", "stdout", "--psm", "3"],
            input=prepare(data),
            capture_output=True,
            timeout=timeout,
            check=False,
            # One thread per Tesseract: we run one per core, and its own threads would fight.
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired:
        return ""
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""


def read_images(
    images: dict[str, bytes],
    *,
    use_cache: bool = True,
    workers: int = 2,
) -> dict[str, ImageText]:
    """OCR every image (in parallel), reusing cached text for images seen before."""
    program = tesseract()
    if program is None:
        raise ChatguardError("--ocr needs Tesseract, which is not installed", hint=INSTALL_HINT)
    version = tesseract_version(program)
    folder = cache_folder()
    if use_cache:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)

    def one(item: tuple[str, bytes]) -> ImageText:
        name, data = item
        digest = hashlib.sha256(data).hexdigest()
        key = hashlib.sha256(f"{digest}\0{version}\0{PREPARATION_VERSION}".encode()).hexdigest()
        entry = folder / f"{key}.txt"
        if use_cache and entry.is_file():
            return ImageText(name, digest, entry.read_text(encoding="utf-8"), cached=True)
        text = recognise(program, data)
        if use_cache:
            fd = os.open(entry, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        return ImageText(name, digest, text, cached=False)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(one, sorted(images.items())))
    return {r.name: r for r in results}
