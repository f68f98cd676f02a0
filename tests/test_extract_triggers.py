"""Triggers beyond the hand-written lists: CAMEO-imported English verbs and word-vector neighbours of
French triggers are emitted with a doubt (lower confidence), never silently. Sentences are our own."""
from __future__ import annotations

from annales.extract import MIN_CONFIDENCE, confident, extract
from annales.extract.lexicon import Neighbours, lexicon
from annales.model import Document, Published
from annales import nlp


def _doc(text: str, lang: str) -> Document:
    return Document(id="t", text=text, language=lang, published=Published("2024-11-05", "day", "metadata"))


def _events(text: str, lang: str, event: str):
    return [r for r in extract(_doc(text, lang)) if r.event == event]


def test_imported_cameo_verb_yields_its_event_with_less_confidence():
    lex = lexicon("en")
    assert "ambush" in lex.imported and "ambush" not in lex.verbs
    imported = _events("Peruvian troops ambushed Chilean soldiers near the border.", "en", "ASSAULT")
    written = _events("Peruvian troops attacked Chilean soldiers near the border.", "en", "ASSAULT")
    assert imported and written
    assert {a.country for a in imported[0].actor} == {"PER"} and {a.country for a in imported[0].recipient} == {"CHL"}
    assert imported[0].confidence < written[0].confidence


def test_imported_dictionary_leaves_out_everyday_verbs():
    lex = lexicon("en")
    assert "add" not in lex.imported and "take" not in lex.imported    # CAMEO codes them only in patterns


def test_vector_neighbour_of_a_known_trigger():
    lex = lexicon("fr")
    vocab = nlp.load("fr").vocab
    near = Neighbours(lex, vocab)
    hit = near.near("lapider", "VERB")
    assert hit is not None and hit[0][0].event == "ASSAULT" and "lapider" not in lex.verbs
    assert near.near("dire", "VERB") is None           # an everyday verb is never a proposal
    assert near.near("table", "NOUN") is None          # nothing near enough


def test_vector_neighbour_is_emitted_below_the_default_floor():
    recs = _events("Les forces tchadiennes ont lapidé des rebelles soudanais, selon un bilan de l'attaque.", "fr", "ASSAULT")
    mine = [r for r in recs if "TCD" in {a.country for a in r.actor}]
    assert mine and all(r.confidence < MIN_CONFIDENCE for r in mine)
    assert not [r for r in confident(mine)]


def test_crisis_nouns_and_verbs():
    recs = _events("L'armée tchadienne a combattu les rebelles soudanais près de la frontière.", "fr", "ASSAULT")
    assert recs and recs[0].confidence >= MIN_CONFIDENCE
    recs = _events("Des milliers de manifestants égyptiens ont défilé contre le gouvernement algérien.", "fr", "PROTEST")
    assert recs and "DZA" in {a.country for a in recs[0].recipient}
    assert "EGY" in {a.country for a in recs[0].actor}         # a plural demonym marks the group
