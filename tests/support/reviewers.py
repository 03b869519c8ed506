"""What the tests of reviewers' accounts share: argon2id at its smallest cost (the tests hash
hundreds of times on 2 cores), and the two ways a sign-in ends, read with a clear failure."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher, Type

from lien.store import accounts
from lien.store.signin import Refusal, Session

# argon2id still; only the cost is the smallest.
CHEAP: dict[str, Any] = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def use_cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(**CHEAP, type=Type.ID))


def session_of(outcome: Session | Refusal) -> Session:
    """The session a sign-in opened (fails, showing the refusal, when it was refused)."""
    assert isinstance(outcome, Session), outcome
    return outcome


def refusal_of(outcome: Session | Refusal) -> str:
    """The code of a refused sign-in (fails, showing the session, when one was opened)."""
    assert isinstance(outcome, Refusal), outcome
    return outcome.code
