"""AppTest of the suggest page: the correction form pre-filled with the record, a refusal that
names the field and keeps what was typed, the honeypot, the hourly limit, and the signed link's
page (refusals worded, "Still right" written on the server, "Correct it" from the
organisation). Each test has a store of its own (new_store), filled from the seed on first run."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from lien import store
from lien.config import ROOT
from lien.freshness import checked_text
from lien.i18n import t
from lien.links import link_for, suggest_url
from lien.store import organisation, proposals
from lien.store.limits import PER_HOUR
from lien.store.versions import now
from lien.ui.suggest_page import LINK_REFUSALS

PAGE = str(ROOT / "pages" / "3_Proposer_Voorstellen_Suggest.py")
SITE = "apd-namur"
SECRET = "s" * 40


@pytest.fixture
def engine(new_store: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The page's store (this test's own), and the server's secret for signed links."""
    monkeypatch.setenv("LIEN_SECRET_KEY", SECRET)
    return store.open(f"sqlite:///{new_store}")


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _html(at: AppTest) -> str:
    return "\n".join(e.proto.body for e in at.get("html"))


def _form_fields(at: AppTest) -> list[str]:
    """The keys of the suggest form's text fields shown (the sidebar's are not the form's)."""
    return [w.key for w in at.text_input if w.key and w.key.startswith("sg_")]


def _submit(at: AppTest, lang: str = "fr") -> AppTest:
    [button] = [b for b in at.button if b.label == t("suggest_send", lang)]
    return button.click().run()


def test_the_form_opens_filled_with_the_records_current_values(engine: Engine) -> None:
    at = _open(site=SITE)
    assert not at.exception
    record = store.current(engine)[1].set_index("site_id").loc[SITE]
    assert at.text_input(key="sg_phone").value == record["phone"]
    assert at.text_input(key="sg_organisation").value == record["organisation"]
    # Labels in the visitor's language, the app's own column names.
    assert at.text_input(key="sg_phone").label == t("col_phone", "fr")
    # An empty form adds an organisation.
    empty = _open(lang="nl")
    assert empty.title[0].value == t("add_title", "nl")
    assert empty.text_input(key="sg_phone").value == ""


def test_a_refusal_names_the_field_and_keeps_what_was_typed(engine: Engine) -> None:
    at = _open(site=SITE)
    at.text_input(key="sg_phone").input("081 22 33 44")
    at.text_input(key="sg_email").input("not an e-mail")
    at.text_area(key="sg_reason").input("called them")
    at = _submit(at)
    shown = _html(at)
    assert html.escape(t("suggest_refused", "fr")) in shown
    # The record's e-mail field, named as the app names it, with what is wrong with it.
    assert f"<b>{t('col_email', 'fr')}</b> · {html.escape(repr('not an e-mail'))}" in shown
    # Nothing lost: the form still holds what the visitor typed, and nothing was stored.
    assert at.text_input(key="sg_phone").value == "081 22 33 44"
    assert at.text_input(key="sg_email").value == "not an e-mail"
    assert at.text_area(key="sg_reason").value == "called them"
    assert proposals.pending(engine) == []


def test_a_correction_gets_a_reference_and_changes_nothing_on_the_map(engine: Engine) -> None:
    before = store.current(engine)
    at = _open(site=SITE, lang="nl")
    at.text_input(key="sg_phone").input("081 22 33 44")
    at = _submit(at, "nl")
    [waiting] = proposals.pending(engine)
    assert (waiting.site_id, waiting.fields, waiting.origin) == (
        SITE,
        {"phone": "081 22 33 44"},
        "visitor",
    )
    assert t("suggest_received", "nl", reference=waiting.reference) in at.success[0].value
    assert store.current(engine)[0] == before[0]


def test_a_filled_honeypot_gets_a_receipt_and_is_stored_nowhere(engine: Engine) -> None:
    at = _open(site=SITE)
    at.text_input(key="sg_phone").input("081 22 33 44")
    at.text_input(key="sg_hp").input("http://spam.example")
    at = _submit(at)
    assert at.success, "a bot is not told it was caught"
    assert proposals.pending(engine) == []


def test_past_the_hourly_limit_the_visitor_is_told_and_keeps_the_form(engine: Engine) -> None:
    at = _open(site=SITE)
    for number in range(PER_HOUR):
        at.text_input(key="sg_phone").input(f"081 22 33 4{number}")
        at = _submit(at)
        assert at.success, number
        [again] = [b for b in at.button if b.label == t("suggest_again", "fr")]
        at = again.click().run()
    at.text_input(key="sg_phone").input("081 99 99 99")
    at = _submit(at)
    assert html.escape(t("suggest_limited", "fr")) in _html(at)
    assert at.text_input(key="sg_phone").value == "081 99 99 99"
    assert len(proposals.pending(engine)) == PER_HOUR


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("not-a-token", "forged"),
        ("x" * 2000, "malformed"),
        (link_for(SITE, "another secret" * 4, now()), "forged"),
        (link_for(SITE, SECRET, now() - timedelta(days=61)), "expired"),
    ],
    # Named, not by the tokens: each process of the run makes its own, a second apart.
    ids=["not-a-token", "too-long", "other-secret", "expired"],
)
def test_a_refused_link_says_why_and_shows_no_record_nor_button(
    engine: Engine, token: str, code: str
) -> None:
    at = _open(token=token, lang="en")
    assert [e.value for e in at.error] == [t(LINK_REFUSALS[code], "en")]
    assert [b.label for b in at.button] == []
    assert "lien-record" not in _html(at)


def test_still_right_marks_the_record_checked_today_by_the_organisation(engine: Engine) -> None:
    at = _open(token=link_for(SITE, SECRET, now()), lang="fr")
    assert "lien-record" in _html(at)
    version = store.current_version(engine)
    [confirm] = [b for b in at.button if b.label == t("org_still_right", "fr")]
    at = confirm.click().run()
    assert not at.exception  # the confirmation has no reference: it once raised KeyError
    assert store.current_version(engine) == version + 1
    record = store.current(engine)[1].set_index("site_id").loc[SITE]
    today = datetime.now().date().isoformat()
    assert (record["checked_on"], record["checked_by"]) == (today, "organisation")
    assert checked_text(today, "fr") in at.success[0].value


def test_correct_it_sends_the_organisations_proposal_for_its_own_record(engine: Engine) -> None:
    at = _open(token=link_for(SITE, SECRET, now()), site="apd-liege")
    [correct] = [b for b in at.button if b.label == t("org_correct", "fr")]
    at = correct.click().run()
    at.text_input(key="sg_phone").input("081 22 33 44")
    at = _submit(at)
    [waiting] = proposals.pending(engine)
    # The record the token carries, never the one the address names beside it.
    assert (waiting.site_id, waiting.origin) == (SITE, "organisation")


def test_a_large_map_s_popup_opens_its_record_by_organisation_and_point(engine: Engine) -> None:
    """Over 2,000 sites a popup has no record id: its link names the organisation and the point,
    and the page opens that record's form; two sites there, a choice; none, a message."""
    apd = "Aide aux Personnes Déplacées"
    at = _open(org=apd, at="50.46690000000001,4.86746")
    assert not at.exception
    assert at.title[0].value == t("suggest_title", "fr")
    assert at.text_input(key="sg_site").value == "Permanence sociale — Namur"
    assert at.query_params["site"] == SITE  # kept: the form's submit reruns the page
    missing = _open(org=apd, at="50.4700,4.86746")
    assert [w.value for w in missing.warning] == [t("suggest_no_record", "fr")]
    assert not _form_fields(missing)

    _, record = organisation.current_record(engine, SITE)
    assert record is not None
    fields = {k: v for k, v in record.items() if v and k != "site_id"}
    fields["site"] = "Deuxième permanence — Namur"
    store.publish(engine, {"apd-namur-2": fields}, "ana", "test", against=1)
    both = _open(org=apd, at="50.4669,4.86746")
    assert t("suggest_choose", "fr") in [c.value for c in both.caption]
    links = " ".join(m.value for m in both.markdown)
    for site_id in (SITE, "apd-namur-2"):
        assert f"({suggest_url('', site_id, 'fr')})" in links
    assert not _form_fields(both)
