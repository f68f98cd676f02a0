"""The small Python API: annales.extract_text and annales.process."""
import pytest

import annales
from annales.model import RawDoc


def test_extract_text_resolves_role_and_relative_date():
    records = annales.extract_text("Le ministre russe de la Défense s'est rendu hier à Pyongyang.",
                                   published="2024-11-30")
    visit = [r for r in records if r["event"] == "CONSULT"]
    assert visit, records
    assert visit[0]["mode"] == "visit"
    assert visit[0]["date"]["value"] == "2024-11-29"
    # the post changed hands in May 2024: on this date it is Belousov, not Shoigu
    assert [a["name"] for a in visit[0]["actor"]] == ["Andrey Belousov"]


def test_without_publication_date_relative_dates_stay_unresolved():
    records = annales.extract_text("Le ministre russe de la Défense s'est rendu hier à Pyongyang.")
    for r in records:
        assert r["date"] is None or r["date"]["value"] is None


def test_unusable_text_names_the_document():
    with pytest.raises(ValueError, match="note-7"):
        annales.extract_text("   \n  ", doc_id="note-7")


def test_process_returns_the_cleaned_document():
    out = annales.process(RawDoc(id="x", data="Hier, Kim Jong-un a reçu une délégation russe à Pyongyang.".encode(),
                                 published="2024-07-19"))
    assert out.status == "ok"
    assert out.document.language == "fr"
    assert out.document.published.value == "2024-07-19"
