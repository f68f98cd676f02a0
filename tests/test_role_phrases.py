"""Role phrases resolved by date, for many countries and offices, in French and English.

Each row is a real office on a real day (public facts, written for this test): the phrase must
name the person who held the post then, through the shipped knowledge base (offices packs).
Days are chosen away from hand-overs."""
from __future__ import annotations

import pytest

from annales.actors.kb import KnowledgeBase
from role_table import assert_names_holder

FR = [
    # heads of state
    ("Le président français", "2009-05-04", "Nicolas Sarkozy"),
    ("Le président français", "2014-03-03", "François Hollande"),
    ("Le président de la France", "2019-03-04", "Emmanuel Macron"),
    ("Le président américain", "2010-03-01", "Barack Obama"),
    ("Le président américain", "2018-03-05", "Donald Trump"),
    ("Le président des États-Unis", "2022-03-07", "Joe Biden"),
    ("Le président russe", "2010-03-01", "Dmitry Medvedev"),
    ("Le président russe", "2015-03-02", "Vladimir Putin"),
    ("Le président chinois", "2016-03-07", "Xi Jinping"),
    ("Le président brésilien", "2005-03-07", "Luiz Inácio Lula da Silva"),
    ("La présidente brésilienne", "2013-05-06", "Dilma Rousseff"),
    ("Le président argentin", "2017-05-08", "Mauricio Macri"),
    ("La présidente argentine", "2010-05-10", "Cristina Fernández de Kirchner"),
    ("Le président mexicain", "2015-05-11", "Enrique Peña Nieto"),
    ("Le président mexicain", "2020-05-11", "Andrés Manuel López Obrador"),
    ("La présidente mexicaine", "2025-03-03", "Claudia Sheinbaum"),
    ("Le président ukrainien", "2012-05-07", "Viktor Yanukovych"),
    ("Le président ukrainien", "2016-05-09", "Petro Poroshenko"),
    ("Le président ukrainien", "2021-05-10", "Volodymyr Zelenskyy"),
    ("Le président biélorusse", "2015-05-11", "Alexander Lukashenko"),
    ("Le président polonais", "2017-05-08", "Andrzej Duda"),
    ("Le président turc", "2016-05-09", "Recep Tayyip Erdoğan"),
    ("La présidente taïwanaise", "2018-05-07", "Tsai Ing-wen"),
    ("Le président sud-coréen", "2019-05-06", "Moon Jae-in"),
    ("Le président iranien", "2022-05-09", "Ebrahim Raisi"),
    # heads of government
    ("Le Premier ministre britannique", "2005-05-09", "Tony Blair"),
    ("Le Premier ministre britannique", "2009-05-11", "Gordon Brown"),
    ("Le Premier ministre britannique", "2012-05-07", "David Cameron"),
    ("La Première ministre britannique", "2018-05-07", "Theresa May"),
    ("Le chef du gouvernement britannique", "2023-03-06", "Rishi Sunak"),
    ("La chancelière allemande", "2012-05-07", "Angela Merkel"),
    ("Le chancelier allemand", "2003-05-05", "Gerhard Schröder"),
    ("Le chancelier allemand", "2023-05-08", "Olaf Scholz"),
    ("Le Premier ministre japonais", "2014-05-05", "Shinzo Abe"),
    ("Le Premier ministre japonais", "2022-05-09", "Fumio Kishida"),
    ("Le Premier ministre canadien", "2010-05-10", "Stephen Harper"),
    ("Le Premier ministre canadien", "2017-05-08", "Justin Trudeau"),
    ("Le Premier ministre australien", "2008-06-02", "Kevin Rudd"),
    ("La Première ministre australienne", "2011-05-09", "Julia Gillard"),
    ("Le président du Conseil italien", "2010-05-10", "Silvio Berlusconi"),
    ("Le chef du gouvernement italien", "2021-06-07", "Mario Draghi"),
    ("La Première ministre italienne", "2023-05-08", "Giorgia Meloni"),
    ("Le chef du gouvernement espagnol", "2008-05-05", "José Luis Rodríguez Zapatero"),
    ("Le Premier ministre espagnol", "2013-05-06", "Mariano Rajoy"),
    ("Le Premier ministre espagnol", "2019-05-06", "Pedro Sánchez"),
    ("Le Premier ministre français", "2010-05-10", "François Fillon"),
    ("Le Premier ministre français", "2015-05-11", "Manuel Valls"),
    ("Le Premier ministre russe", "2010-05-10", "Vladimir Putin"),
    ("Le Premier ministre russe", "2015-05-11", "Dmitry Medvedev"),
    ("Le Premier ministre indien", "2016-05-09", "Narendra Modi"),
    ("Le Premier ministre israélien", "2011-05-09", "Benjamin Netanyahu"),
    ("Le Premier ministre néerlandais", "2015-05-11", "Mark Rutte"),
    ("Le Premier ministre belge", "2016-05-09", "Charles Michel"),
    ("Le Premier ministre hongrois", "2015-05-11", "Viktor Orbán"),
    ("La Première ministre néo-zélandaise", "2019-05-06", "Jacinda Ardern"),
    ("Le Premier ministre polonais", "2010-05-10", "Donald Tusk"),
    ("Le Premier ministre luxembourgeois", "2010-05-10", "Jean-Claude Juncker"),
    ("La Première ministre estonienne", "2022-05-09", "Kaja Kallas"),
    ("Le Premier ministre chinois", "2015-05-11", "Li Keqiang"),
    ("Le Premier ministre sud-coréen", "2018-05-07", "Lee Nak-yon"),
    ("Le Premier ministre portugais", "2018-05-07", "António Costa"),
    ("La Première ministre suédoise", "2022-05-09", "Magdalena Andersson"),
    ("Le Premier ministre norvégien", "2010-05-10", "Jens Stoltenberg"),
    ("Le Premier ministre danois", "2005-05-09", "Anders Fogh Rasmussen"),
    # foreign ministers
    ("Le chef de la diplomatie française", "2013-05-06", "Laurent Fabius"),
    ("Le chef de la diplomatie française", "2018-05-07", "Jean-Yves Le Drian"),
    ("Le ministre français des Affaires étrangères", "2011-06-06", "Alain Juppé"),
    ("La cheffe de la diplomatie française", "2023-05-08", "Catherine Colonna"),
    ("La secrétaire d'État américaine", "2011-05-09", "Hillary Clinton"),
    ("Le secrétaire d'État américain", "2014-05-05", "John Kerry"),
    ("Le secrétaire d'État américain", "2019-05-06", "Mike Pompeo"),
    ("Le chef de la diplomatie américaine", "2022-05-09", "Antony Blinken"),
    ("La secrétaire d'État américaine", "2006-05-08", "Condoleezza Rice"),
    ("Le chef de la diplomatie russe", "2015-05-11", "Sergey Lavrov"),
    ("Le ministre allemand des Affaires étrangères", "2015-05-11", "Frank-Walter Steinmeier"),
    ("Le ministre allemand des Affaires étrangères", "2010-05-10", "Guido Westerwelle"),
    ("La ministre allemande des Affaires étrangères", "2023-05-08", "Annalena Baerbock"),
    ("Le ministre britannique des Affaires étrangères", "2017-05-08", "Boris Johnson"),
    ("Le chef de la diplomatie britannique", "2011-05-09", "William Hague"),
    ("Le chef de la diplomatie chinoise", "2015-05-11", "Wang Yi"),
    ("Le ministre japonais des Affaires étrangères", "2014-05-05", "Fumio Kishida"),
    ("Le chef de la diplomatie italienne", "2023-05-08", "Antonio Tajani"),
    ("Le chef de la diplomatie iranienne", "2022-05-09", "Hossein Amir-Abdollahian"),
    ("Le chef de la diplomatie chinoise", "2023-05-08", "Qin Gang"),
    ("Le chef de la diplomatie ukrainienne", "2023-05-08", "Dmytro Kuleba"),
    ("La ministre canadienne des Affaires étrangères", "2018-05-07", "Chrystia Freeland"),
    ("La cheffe de la diplomatie australienne", "2019-05-06", "Marise Payne"),
    ("Le ministre brésilien des Affaires étrangères", "2005-05-09", "Celso Amorim"),
    ("Le ministre mexicain des Affaires étrangères", "2019-05-06", "Marcelo Ebrard"),
    ("La ministre sud-coréenne des Affaires étrangères", "2019-05-06", "Kang Kyung-wha"),
    ("Le ministre nord-coréen des Affaires étrangères", "2019-05-06", "Ri Yong-ho"),
    ("Le ministre biélorusse des Affaires étrangères", "2015-05-11", "Vladimir Makei"),
    ("Le chef de la diplomatie belge", "2015-05-11", "Didier Reynders"),
    # defence ministers
    ("Le ministre français de la Défense", "2014-05-05", "Jean-Yves Le Drian"),
    ("La ministre française des Armées", "2019-05-06", "Florence Parly"),
    ("Le secrétaire américain à la Défense", "2014-05-05", "Chuck Hagel"),
    ("Le chef du Pentagone", "2012-05-07", "Leon Panetta"),
    ("Le secrétaire américain à la Défense", "2022-05-09", "Lloyd Austin"),
    ("Le ministre russe de la Défense", "2015-05-11", "Sergei Shoigu"),
    ("Le ministre russe de la Défense", "2010-05-10", "Anatoliy Serdyukov"),
    ("La ministre allemande de la Défense", "2016-05-09", "Ursula von der Leyen"),
    ("Le ministre britannique de la Défense", "2016-05-09", "Michael Fallon"),
    ("Le ministre ukrainien de la Défense", "2023-12-04", "Rustem Umerov"),
    ("La ministre australienne de la Défense", "2019-12-02", "Linda Reynolds"),
    ("Le ministre canadien de la Défense", "2017-05-08", "Harjit Sajjan"),
    ("La ministre espagnole de la Défense", "2019-05-06", "Margarita Robles"),
    ("La ministre italienne de la Défense", "2019-01-07", "Elisabetta Trenta"),
    ("Le ministre polonais de la Défense", "2017-05-08", "Antoni Macierewicz"),
    ("Le ministre chinois de la Défense", "2019-05-06", "Wei Fenghe"),
    ("La ministre néerlandaise de la Défense", "2015-05-11", "Jeanine Hennis-Plasschaert"),
]

EN = [
    ("The French president", "2016-05-09", "François Hollande"),
    ("The US president", "2012-05-07", "Barack Obama"),
    ("The American president", "2019-05-06", "Donald Trump"),
    ("The Russian president", "2019-05-06", "Vladimir Putin"),
    ("The Chinese president", "2019-05-06", "Xi Jinping"),
    ("The Japanese prime minister", "2014-05-05", "Shinzo Abe"),
    ("The Japanese prime minister", "2022-05-09", "Fumio Kishida"),
    ("The British prime minister", "2012-05-07", "David Cameron"),
    ("The German chancellor", "2012-05-07", "Angela Merkel"),
    ("The German chancellor", "2023-05-08", "Olaf Scholz"),
    ("The Canadian prime minister", "2017-05-08", "Justin Trudeau"),
    ("The Australian prime minister", "2015-06-01", "Tony Abbott"),
    ("The Indian prime minister", "2016-05-09", "Narendra Modi"),
    ("The Israeli prime minister", "2016-05-09", "Benjamin Netanyahu"),
    ("The Italian prime minister", "2012-06-04", "Mario Monti"),
    ("The Spanish prime minister", "2015-05-11", "Mariano Rajoy"),
    ("The Dutch prime minister", "2015-05-11", "Mark Rutte"),
    ("The Hungarian prime minister", "2015-05-11", "Viktor Orbán"),
    ("The Brazilian president", "2005-05-09", "Luiz Inácio Lula da Silva"),
    ("The Mexican president", "2015-05-11", "Enrique Peña Nieto"),
    ("The Turkish president", "2016-05-09", "Recep Tayyip Erdoğan"),
    ("The Ukrainian president", "2016-05-09", "Petro Poroshenko"),
    ("The Polish president", "2017-05-08", "Andrzej Duda"),
    ("The Iranian president", "2025-05-05", "Masoud Pezeshkian"),
    ("The South Korean president", "2023-05-08", "Yoon Suk-yeol"),
    ("The Portuguese prime minister", "2003-05-05", "José Manuel Barroso"),
    ("The Swedish prime minister", "2023-05-08", "Ulf Kristersson"),
    ("The Iranian foreign minister", "2025-05-05", "Abbas Araghchi"),
    ("The Pentagon chief", "2022-05-09", "Lloyd Austin"),
    ("The Argentine president", "2017-05-08", "Mauricio Macri"),
    ("The Belarusian president", "2015-05-11", "Alexander Lukashenko"),
    ("The New Zealand prime minister", "2019-05-06", "Jacinda Ardern"),
    ("The Belgian prime minister", "2016-05-09", "Charles Michel"),
    ("The Polish prime minister", "2010-05-10", "Donald Tusk"),
    ("The Chinese premier", "2015-05-11", "Li Keqiang"),
    ("The Russian prime minister", "2015-05-11", "Dmitry Medvedev"),
    ("The US secretary of state", "2014-05-05", "John Kerry"),
    ("The Russian foreign minister", "2015-05-11", "Sergey Lavrov"),
    ("The French foreign minister", "2013-05-06", "Laurent Fabius"),
    ("The German foreign minister", "2019-05-06", "Heiko Maas"),
    ("The British foreign secretary", "2017-05-08", "Boris Johnson"),
    ("The Chinese foreign minister", "2015-05-11", "Wang Yi"),
    ("The Japanese foreign minister", "2014-05-05", "Fumio Kishida"),
    ("The Australian foreign minister", "2019-05-06", "Marise Payne"),
    ("The US defense secretary", "2014-05-05", "Chuck Hagel"),
    ("The Russian defence minister", "2015-05-11", "Sergei Shoigu"),
    ("The French defence minister", "2014-05-05", "Jean-Yves Le Drian"),
    ("The British defence secretary", "2016-05-09", "Michael Fallon"),
    ("The Canadian defence minister", "2017-05-08", "Harjit Sajjan"),
]

ROWS = [("fr", *r) for r in FR] + [("en", *r) for r in EN]


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.load(user=False)


def test_the_table_is_wide():
    phrases = {(lang, p.lower()) for lang, p, _, _ in ROWS}
    assert len(ROWS) >= 100 and len(phrases) >= 80
    kb = KnowledgeBase.load(user=False, packs=False)
    countries = {e.country for e in (kb.lookup(n)[0] for _, _, _, n in ROWS if kb.lookup(n))}
    assert len(countries) >= 30, sorted(countries)


@pytest.mark.parametrize("lang,phrase,date,expected", ROWS, ids=[f"{r[0]}:{r[1]}:{r[2]}" for r in ROWS])
def test_role_phrase_names_the_holder_on_the_date(kb, lang, phrase, date, expected):
    assert_names_holder(kb, lang, phrase, date, expected)
