"""The operator's command line for reviewers' accounts:

    python -m lien.reviewers add NAME       # asks the password twice (or reads one line of stdin)
    python -m lien.reviewers add EMAIL --provider-only   # signs in only through the identity
                                            # provider (Streamlit's st.login), as that address
    python -m lien.reviewers list
    python -m lien.reviewers disable NAME   # their open sessions stop working at once

on the store LIEN_DATABASE_URL (or LIEN_DATABASE_PATH) names. Accounts are made here and nowhere
else: the app has no page that makes one, so a visitor has nothing to attack for it.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from lien import store
from lien.store.accounts import MIN_PASSWORD, AccountError, accounts, add, check_password, disable
from lien.store.signin import sessions_of


def _password() -> str:
    """From the terminal, typed twice without echo; from a pipe, its first line (a script's or a
    secret manager's), so that no password ever appears in a command line or `ps`."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password (at least {MIN_PASSWORD} characters): ")
    check_password(first)
    if getpass.getpass("The same again: ") != first:
        raise AccountError("mismatch", "the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lien.reviewers", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    adding = commands.add_parser("add", help="make an account")
    adding.add_argument("name")
    adding.add_argument(
        "--provider-only",
        action="store_true",
        help="no password: NAME is the e-mail address the identity provider vouches for",
    )
    commands.add_parser("list", help="every account")
    commands.add_parser("disable", help="disable an account").add_argument("name")
    arguments = parser.parse_args(argv)
    engine = store.open()
    try:
        if arguments.command == "add":
            add(engine, arguments.name, None if arguments.provider_only else _password())
            print(f"{arguments.name}: account made")
        elif arguments.command == "disable":
            disable(engine, arguments.name)
            print(f"{arguments.name}: disabled")
        else:
            for account in accounts(engine):
                state = "active" if account.active else f"disabled {account.disabled_at:%Y-%m-%d}"
                opened = sessions_of(engine, account.name)
                print(f"{account.name}\t{account.role}\t{state}\t{opened} session(s) open")
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
