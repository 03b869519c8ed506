"""`python -m lien.reviewers`: add (the password from a pipe, or typed twice), list, disable."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from lien import reviewers, store
from lien.config import ROOT
from lien.store import accounts
from lien.store.signin import Session, sign_in
from tests.support.reviewers import use_cheap_hashes

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def on_store(url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LIEN_DATABASE_URL", url)
    use_cheap_hashes(monkeypatch)
    return url


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_add_list_and_disable(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    assert reviewers.main(["add", "ana"]) == 0
    engine = store.open(url)
    assert isinstance(sign_in(engine, "ana", PASSWORD, "cli"), Session)
    assert reviewers.main(["list"]) == 0
    assert "ana\treviewer\tactive\t1 session(s) open" in capsys.readouterr().out
    assert reviewers.main(["disable", "ana"]) == 0
    assert reviewers.main(["list"]) == 0
    assert "ana\treviewer\tdisabled" in capsys.readouterr().out
    engine.dispose()


def test_a_short_password_or_unknown_name_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "short\n")
    assert reviewers.main(["add", "ana"]) == 1
    assert reviewers.main(["disable", "nobody"]) == 1
    assert "no account is named" in capsys.readouterr().err


def test_at_a_terminal_the_password_is_asked_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    typed = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(reviewers.getpass, "getpass", lambda _prompt: next(typed))
    with pytest.raises(accounts.AccountError, match="differ"):
        reviewers._password()
    typed = iter([PASSWORD, PASSWORD])
    assert reviewers._password() == PASSWORD


def test_it_runs_as_a_module(url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lien.reviewers", "list"],
        cwd=ROOT,
        env={"LIEN_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
