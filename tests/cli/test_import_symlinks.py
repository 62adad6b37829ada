"""Symlinks out of the import folder (issue 19, item 11): `import DIR --recursive` and
`import-brat DIR` refuse a file that resolves outside DIR (`notes.txt -> ~/.ssh/id_rsa`,
`passwd.txt -> /etc/passwd`), naming it, and import the rest. A link that stays inside the
folder is an ordinary file. Runs on SQLite and, with FACTCHECK_TEST_PG_URL, PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlmodel import col

from factcheck.store.engine import make_engine, read_session
from factcheck.store.models import Article
from tests.cli.test_cli import Cli
from tests.interchange.test_brat import ANN, TEXT

SECRET = "Officials said the private key was leaked on Monday, according to Reuters.\n"
GOOD = "Ministers said on Tuesday that the border would reopen, according to AP.\n"
INSIDE = "The mayor said the bridge would close for repairs, a spokesman told reporters.\n"


def _texts(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    try:
        with read_session(engine) as session:
            return list(session.execute(select(col(Article.text))).scalars())
    finally:
        engine.dispose()


def _secret(tmp_path: Path) -> Path:
    """A file outside the import folder, e.g. ~/.ssh/id_rsa."""
    outside = tmp_path / "home" / ".ssh"
    outside.mkdir(parents=True)
    secret = outside / "id_rsa"
    secret.write_text(SECRET, encoding="utf-8")
    return secret


def test_a_recursive_import_refuses_links_out_of_the_folder(db_url: str, tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "sub" / "inside.txt").write_text(INSIDE, encoding="utf-8")
    (folder / "notes.txt").symlink_to(secret)
    (folder / "sub" / "key.md").symlink_to(secret)
    (folder / "again.txt").symlink_to(folder / "sub" / "inside.txt")  # stays inside: fine
    if Path("/etc/passwd").is_file():
        (folder / "passwd.txt").symlink_to("/etc/passwd")

    result = Cli(db_url)("import", str(folder), "--recursive")

    texts = _texts(db_url)
    assert not any("private key" in text or "root:" in text for text in texts)
    assert sorted(t.strip() for t in texts) == sorted(
        [GOOD.strip(), INSIDE.strip()]
    )  # the rest is imported (again.txt: dup)
    errors = result.stderr
    assert "notes.txt" in errors and "sub/key.md" in errors
    assert "outside" in errors
    assert all(
        "outside" in line
        for line in errors.splitlines()
        if "notes.txt" in line or "key.md" in line or "passwd.txt" in line
    )
    assert str(secret) not in result.output + errors  # the target is not told
    assert result.exit_code == 1  # something was not imported: the exit status says so


def test_brat_refuses_links_out_of_the_folder(db_url: str, tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    (secret.parent / "evil.ann").write_text("T1\tSource 0 9\tOfficials\n", encoding="utf-8")
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "talks.txt").write_text(TEXT, encoding="utf-8")
    (folder / "talks_ana.ann").write_text(ANN, encoding="utf-8")
    (folder / "notes.txt").symlink_to(secret)
    (folder / "talks_eve.ann").symlink_to(secret.parent / "evil.ann")

    result = Cli(db_url)("import-brat", str(folder))

    texts = _texts(db_url)
    assert texts == [TEXT]
    assert "notes.txt" in result.stderr and "talks_eve.ann" in result.stderr
    refused = [line for line in result.stderr.splitlines() if "outside" in line]
    assert len(refused) == 2, result.stderr
    assert result.exit_code == 1  # listed as failed, like any file that was not imported


def test_brat_refuses_a_text_folder_linked_from_elsewhere(db_url: str, tmp_path: Path) -> None:
    """PolNeAR layout whose DIR/text is a link to another folder: its files are outside."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "polnear"
    (folder / "attributions").mkdir(parents=True)
    (folder / "text").symlink_to(elsewhere, target_is_directory=True)

    result = Cli(db_url)("import-brat", str(folder))

    assert result.exit_code == 1
    assert SECRET not in _texts(db_url)
    assert "notes.txt" in result.stderr and "outside" in result.stderr
