"""Hostile zips: bombs, path tricks, encryption, nesting, many chats, damage.

The chat inside a zip is read into memory with a cap, never extracted, so no member name can
write anywhere and no compression ratio can fill the memory. Each broken zip is refused in one
line that names it and says what to do.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from chatguard import read_chat
from chatguard.errors import ChatguardError
from tests.conftest import Run
from tests.test_cli_input_errors import assert_one_line_error

Cli = Callable[..., Run]

CHAT = "".join(
    f"13/05/2025, 14:{i:02d} - {('Ann', 'Bob', 'Cy')[i % 3]}: message number {i} about PE kit\n"
    for i in range(40)
)


def zip_bytes(members: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_zip(
    path: Path, members: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED
) -> Path:
    path.write_bytes(zip_bytes(members, method))
    return path


def listing(*folders: Path) -> set[str]:
    """Every path under ``folders`` (recursively), to see that nothing was written."""
    found: set[str] = set()
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            found.update(os.path.join(root, name) for name in dirs + files)
    return found


# --------------------------------------------------------------------------- bombs


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    import chatguard.io

    cap = 1 << 20
    monkeypatch.setattr(chatguard.io, "MAX_UNZIPPED_CHAT_BYTES", cap)
    return cap


def test_zip_bomb_stops_reading(
    cli: Cli, tmp_path: Path, small_cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = (CHAT * (3 * small_cap // len(CHAT) + 1)).encode()
    assert len(chat) > 3 * small_cap
    path = make_zip(tmp_path / "bomb.zip", {"WhatsApp Chat with Year 3.txt": chat})
    assert path.stat().st_size < small_cap // 10  # highly compressible

    unpacked = 0
    real_read = zipfile.ZipExtFile.read

    def counting_read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        nonlocal unpacked
        data = real_read(self, n)
        unpacked += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    run = cli("stats", str(path))
    assert_one_line_error(run, "bomb.zip", "stopped reading")
    assert unpacked <= small_cap + (1 << 20)  # it stopped at the cap, give or take a chunk


def test_zip_bomb_error_states_the_cap(cli: Cli, tmp_path: Path, small_cap: int) -> None:
    chat = (CHAT * (3 * small_cap // len(CHAT) + 1)).encode()
    path = make_zip(tmp_path / "bomb.zip", {"_chat.txt": chat})
    run = cli("stats", str(path))
    assert_one_line_error(run, "bomb.zip")
    assert "0 GiB" not in run.err
    assert "1 MiB" in run.err or "1.0 MiB" in run.err or "1,048,576" in run.err


def test_chat_under_the_cap_is_read_whole(cli: Cli, tmp_path: Path, small_cap: int) -> None:
    path = make_zip(tmp_path / "fine.zip", {"_chat.txt": CHAT})
    assert len(read_chat(path).messages) == 40


# --------------------------------------------------------------------------- path tricks


@pytest.mark.parametrize(
    "member", ["../../evil.txt", "/etc/evil.txt", "..\\..\\evil.txt", "a/../../../evil.txt"]
)
def test_member_names_cannot_write_anywhere(
    cli: Cli, tmp_path: Path, member: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports = tmp_path / "exports"
    work = tmp_path / "work" / "a" / "b"
    exports.mkdir()
    work.mkdir(parents=True)
    path = make_zip(exports / "trick.zip", {member: CHAT, "../IMG-0001.jpg": b"\xff\xd8\xff"})
    monkeypatch.chdir(work)  # a relative ../../evil.txt would land in tmp_path/work
    watched = (tmp_path, tmp_path.parent)
    before = listing(*watched)
    etc_before = Path("/etc/evil.txt").exists()

    run = cli("stats", str(path), "--format", "json")
    assert run.code == 0, run
    assert json.loads(run.out)["messages"] == 40
    assert cli("scan", str(path)).code in (0, 1)
    assert cli("parse", str(path), "--to", "jsonl").code == 0

    assert listing(*watched) == before
    assert Path("/etc/evil.txt").exists() == etc_before
    assert not (tmp_path / "evil.txt").exists()


# --------------------------------------------------------------------------- refusals


def _set_encrypted_flag(data: bytes) -> bytes:
    """Set bit 0 (encrypted) in every local and central header.

    ``ZipInfo.flag_bits |= 0x1`` is not enough: zipfile resets the flags when it writes.
    """
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := out.find(signature, start)) != -1:
            out[found + offset] |= 0x1
            start = found + 4
    return bytes(out)


def test_encrypted_member(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "locked.zip"
    path.write_bytes(_set_encrypted_flag(zip_bytes({"_chat.txt": CHAT})))
    with zipfile.ZipFile(path) as archive:
        assert archive.infolist()[0].flag_bits & 0x1
    assert_one_line_error(cli("stats", str(path)), "locked.zip", "encrypted", "password")


def test_unsupported_compression(cli: Cli, tmp_path: Path) -> None:
    data = bytearray(zip_bytes({"_chat.txt": CHAT}, zipfile.ZIP_STORED))
    data[data.find(b"PK\x03\x04") + 8] = 99  # AES, as 7-Zip writes it
    data[data.find(b"PK\x01\x02") + 10] = 99
    path = tmp_path / "aes.zip"
    path.write_bytes(bytes(data))
    assert_one_line_error(cli("stats", str(path)), "aes.zip", "_chat.txt")


def test_nested_zip(cli: Cli, tmp_path: Path) -> None:
    inner = zip_bytes({"WhatsApp Chat with Year 3.txt": CHAT})
    path = make_zip(tmp_path / "outer.zip", {"WhatsApp Chat with Year 3.zip": inner})
    run = cli("stats", str(path))
    assert_one_line_error(run, "outer.zip", "WhatsApp Chat with Year 3.zip")


def test_zip_with_a_hundred_chats(cli: Cli, tmp_path: Path) -> None:
    path = make_zip(tmp_path / "many.zip", {f"chat{i:03d}.txt": CHAT for i in range(100)})
    run = cli("stats", str(path))
    assert_one_line_error(run, "many.zip", "chat000.txt", "--chat", "more")
    assert len(run.err) < 1000  # some names, not all hundred
    assert cli("stats", str(path), "--chat", "chat042.txt").code == 0


def test_zero_byte_zip(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.zip"
    path.write_bytes(b"")
    assert_one_line_error(cli("stats", str(path)), "empty.zip", "empty")


def _flipped_in_the_middle(method: int) -> bytes:
    data = bytearray(zip_bytes({"_chat.txt": CHAT, "IMG-0001.jpg": bytes(range(256)) * 2}, method))
    middle = len(data) // 4  # inside the chat's data, before the central directory
    for i in range(middle, middle + 16):
        data[i] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize(
    "method",
    [
        zipfile.ZIP_STORED,
        zipfile.ZIP_DEFLATED,
    ],
    ids=["stored", "deflated"],
)
def test_corrupt_zip(cli: Cli, tmp_path: Path, method: int) -> None:
    path = tmp_path / "corrupt.zip"
    path.write_bytes(_flipped_in_the_middle(method))
    assert zipfile.is_zipfile(path)  # the directory is intact, the data is not
    assert_one_line_error(cli("stats", str(path)), "corrupt.zip")


def test_every_one_byte_damage_parses_or_fails_cleanly(tmp_path: Path) -> None:
    good = zip_bytes({"_chat.txt": CHAT, "IMG-0001.jpg": bytes(range(256))})
    path = tmp_path / "damaged.zip"
    escaped: dict[str, list[int]] = {}
    for position in range(len(good)):
        data = bytearray(good)
        data[position] ^= 0xFF
        path.write_bytes(bytes(data))
        try:
            read_chat(path)
        except ChatguardError:
            pass
        except Exception as exc:  # anything else would be a traceback for the user
            escaped.setdefault(type(exc).__name__, []).append(position)
    assert escaped == {}


def test_zip_cut_short(cli: Cli, tmp_path: Path) -> None:
    whole = zip_bytes({"_chat.txt": CHAT})
    path = tmp_path / "download.zip"
    path.write_bytes(whole[: len(whole) // 2])
    run = cli("stats", str(path))
    assert_one_line_error(run, "download.zip", "zip")
    assert "--encoding" not in run.err


# --------------------------------------------------------------------------- member names shown


ESCAPING_NAME = "\x1b]8;;http://evil\x1b\\_chat\x1b]8;;\x1b\\\x07.txt"


@pytest.mark.parametrize("content", ["preamble\n" + CHAT, "not a chat\n"], ids=["note", "error"])
def test_member_name_with_escapes_is_shown_harmlessly(
    cli: Cli, tmp_path: Path, content: str
) -> None:
    path = make_zip(tmp_path / "names.zip", {ESCAPING_NAME: content})
    run = cli("parse", str(path), "--to", "jsonl")
    assert "\x1b" not in run.err and "\x07" not in run.err, repr(run.err)


def test_member_name_with_a_newline_keeps_the_error_on_one_line(cli: Cli, tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "lines.zip", {"chat\nchatguard: note: all clear.txt": "not a chat\n"}
    )
    assert_one_line_error(cli("stats", str(path)), "lines.zip")
