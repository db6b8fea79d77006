"""Every input mistake a user can make gets one line naming the file, exit code 2, no traceback."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, Run

EXPORTS = FIXTURES / "exports"


def assert_one_line_error(run: Run, *needles: str) -> None:
    assert run.code == 2, run
    assert "Traceback" not in run.err + run.out
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("chatguard: error: ")
    for needle in needles:
        assert needle in lines[0]


def test_missing_file(cli: Callable[..., Run], tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert_one_line_error(cli("stats", str(missing)), str(missing), "no such file")


def test_folder_without_export(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert_one_line_error(cli("stats", str(tmp_path)), str(tmp_path), "no .txt or .zip")


def test_folder_with_one_export_is_read(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "chat.txt").write_bytes((EXPORTS / "android_24h_dmy_slash.txt").read_bytes())
    assert cli("stats", str(tmp_path), "--format", "json").code == 0


def test_empty_file(cli: Callable[..., Run], tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert_one_line_error(cli("stats", str(empty)), "empty.txt", "empty")


def test_binary_file(cli: Callable[..., Run], tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert_one_line_error(cli("stats", str(binary)), "photo.txt")


def test_text_that_is_not_a_chat(cli: Callable[..., Run], tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Shopping list\nmilk\neggs\n", encoding="utf-8")
    assert_one_line_error(cli("stats", str(notes)), "notes.txt", "no WhatsApp message")


def test_zip_without_chat(cli: Callable[..., Run]) -> None:
    assert_one_line_error(cli("stats", str(EXPORTS / "no_chat.zip")), "no_chat.zip", "no chat")


def test_zip_with_several_chats_names_them(cli: Callable[..., Run]) -> None:
    run = cli("stats", str(EXPORTS / "two_chats.zip"))
    assert_one_line_error(run, "two_chats.zip", "--chat")


def test_zip_with_several_chats_and_chat_option(cli: Callable[..., Run]) -> None:
    with zipfile.ZipFile(EXPORTS / "two_chats.zip") as archive:
        first = archive.namelist()[0]
    assert cli("stats", str(EXPORTS / "two_chats.zip"), "--chat", first).code == 0


def test_undecodable_bytes_name_the_line(cli: Callable[..., Run], tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(
        "13/05/2025, 14:03 - Sarah: hello\n13/05/2025, 14:04 - Zoë: café\n".encode("latin-1")
    )
    assert_one_line_error(cli("stats", str(bad)), "latin1.txt", "line 2", "--encoding")


def test_encoding_option_reads_a_code_page(cli: Callable[..., Run], tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("13/05/2025, 14:04 - Zoë: café\n".encode("latin-1"))
    run = cli("stats", str(bad), "--encoding", "latin-1", "--format", "json")
    assert run.code == 0
    assert '"Zoë": 1' in run.out


def test_utf16_with_bom(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "13/05/2025, 14:03 - Sarah: hi\n".encode("utf-16-le"))
    assert cli("stats", str(path), "--format", "json").code == 0


def test_output_file_is_never_overwritten_without_force(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    target = tmp_path / "messages.csv"
    target.write_text("precious", encoding="utf-8")
    source = str(EXPORTS / "android_24h_dmy_slash.txt")
    assert_one_line_error(cli("parse", source, "--to", "csv", "-o", str(target)), "--force")
    assert target.read_text(encoding="utf-8") == "precious"
    assert cli("parse", source, "--to", "csv", "-o", str(target), "--force").code == 0
    assert target.read_text(encoding="utf-8").startswith("source,line,timestamp")


def test_output_files_are_owner_only(cli: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "messages.jsonl"
    source = str(EXPORTS / "android_24h_dmy_slash.txt")
    assert cli("parse", source, "--to", "jsonl", "-o", str(target)).code == 0
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_parse_writes_every_message(cli: Callable[..., Run], tmp_path: Path, fmt: str) -> None:
    import pandas as pd

    target = tmp_path / f"out.{fmt}"
    source = str(EXPORTS / "android_every_kind.txt")
    assert cli("parse", source, "--to", fmt, "-o", str(target)).code == 0
    frame = {
        "csv": pd.read_csv,
        "jsonl": lambda p: pd.read_json(p, lines=True),
        "parquet": pd.read_parquet,
    }[fmt](target)
    from chatguard import read_chat

    assert len(frame) == len(read_chat(EXPORTS / "android_every_kind.txt").messages)
