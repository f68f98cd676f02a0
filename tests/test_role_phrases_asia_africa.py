"""Role phrases for Asian and African posts resolved by date through the shipped offices packs.

Each row is a real office on a real day (public facts, written for this test), away from
hand-overs; the phrase must name the person who held the post that day."""
from __future__ import annotations

import pytest

from annales.actors.kb import KnowledgeBase
from role_table import assert_names_holder

FR = [
    ("Le Premier ministre indien", "2016-05-02", "Narendra Modi"),
    ("Le Premier ministre indien", "2009-03-02", "Manmohan Singh"),
    ("La présidente indienne", "2010-03-01", "Pratibha Patil"),
    ("Le ministre indien des Affaires étrangères", "2021-03-01", "Subrahmanyam Jaishankar"),
    ("Le président pakistanais", "2005-03-07", "Pervez Musharraf"),
    ("Le Premier ministre pakistanais", "2015-03-02", "Nawaz Sharif"),
    ("Le Premier ministre pakistanais", "2020-03-02", "Imran Khan"),
    ("Le président afghan", "2010-03-01", "Hamid Karzai"),
    ("Le président afghan", "2018-03-05", "Ashraf Ghani"),
    ("La Première ministre bangladaise", "2015-03-02", "Sheikh Hasina"),
    ("Le président sri-lankais", "2012-03-05", "Mahinda Rajapaksa"),
    ("Le président indonésien", "2016-03-07", "Joko Widodo"),
    ("Le président philippin", "2018-03-05", "Rodrigo Duterte"),
    ("Le Premier ministre thaïlandais", "2012-03-05", "Yingluck Shinawatra"),
    ("Le Premier ministre japonais", "2004-03-01", "Junichiro Koizumi"),
    ("Le président kazakh", "2012-03-05", "Nursultan Nazarbayev"),
    ("Le président nigérian", "2012-03-05", "Goodluck Jonathan"),
    ("Le président sud-africain", "2005-03-07", "Thabo Mbeki"),
    ("Le Premier ministre éthiopien", "2020-03-02", "Abiy Ahmed"),
    ("Le président de la RDC", "2021-03-01", "Félix Tshisekedi"),
    ("Le président de la République démocratique du Congo", "2010-03-01", "Joseph Kabila"),
    ("Le chef de l'État malien", "2023-03-06", "Assimi Goïta"),
    ("Le chef de l'État afghan", "2023-03-06", "Hibatullah Akhundzada"),
    ("Le ministre afghan des Affaires étrangères", "2023-03-06", "Amir Khan Muttaqi"),
    ("Le ministre malien de la Défense", "2023-03-06", "Sadio Camara"),
    ("Le Premier ministre malien", "2022-03-07", "Choguel Kokalla Maïga"),
    ("La ministre sud-africaine des Affaires étrangères", "2021-03-01", "Naledi Pandor"),
    ("La cheffe de la diplomatie rwandaise", "2012-03-05", "Louise Mushikiwabo"),
    ("Le ministre nigérian des Affaires étrangères", "2017-03-06", "Geoffrey Onyeama"),
    ("Le ministre éthiopien des Affaires étrangères", "2014-03-03", "Tedros Adhanom Ghebreyesus"),
    ("Le ministre ivoirien des Affaires étrangères", "2022-03-07", "Kandia Camara"),
    ("Le ministre camerounais de la Défense", "2018-03-05", "Joseph Beti Assomo"),
    ("Le ministre rwandais de la Défense", "2014-03-03", "James Kabarebe"),
    ("Le ministre sud-soudanais de la Défense", "2016-03-07", "Kuol Manyang Juuk"),
    ("Le ministre pakistanais de la Défense", "2015-03-02", "Khawaja Muhammad Asif"),
    ("Le ministre taïwanais des Affaires étrangères", "2020-03-02", "Joseph Wu"),
    ("Le ministre kazakh des Affaires étrangères", "2014-03-03", "Yerlan Idrissov"),
    ("La cheffe de la diplomatie birmane", "2018-03-05", "Aung San Suu Kyi"),
    ("Le président birman", "2013-03-04", "Thein Sein"),
    ("Le dirigeant nord-coréen", "2005-03-07", "Kim Jong Il"),
    ("Le roi thaïlandais", "2010-03-01", "Bhumibol Adulyadej"),
    ("L'empereur du Japon", "2005-03-07", "Akihito"),
    ("Le président malien", "2015-03-02", "Ibrahim Boubacar Keïta"),
    ("Le président malien", "2023-03-06", "Assimi Goïta"),
    ("Le président burkinabè", "2023-03-06", "Ibrahim Traoré"),
    ("Le président nigérien", "2022-03-07", "Mohamed Bazoum"),
    ("Le président ivoirien", "2016-03-07", "Alassane Ouattara"),
    ("Le président sénégalais", "2008-03-03", "Abdoulaye Wade"),
    ("Le président camerounais", "2012-03-05", "Paul Biya"),
    ("Le président rwandais", "2012-03-05", "Paul Kagame"),
    ("Le président tchadien", "2015-03-02", "Idriss Déby"),
    ("Le président kényan", "2015-03-02", "Uhuru Kenyatta"),
    ("Le président zimbabwéen", "2010-03-01", "Robert Mugabe"),
    ("Le président soudanais", "2012-03-05", "Omar al-Bashir"),
    ("Le président ghanéen", "2014-03-03", "John Mahama"),
    ("Le président zambien", "2019-03-04", "Edgar Lungu"),
    ("Le président mozambicain", "2010-03-01", "Armando Guebuza"),
    ("Le président angolais", "2019-03-04", "João Lourenço"),
    ("Le président gabonais", "2015-03-02", "Ali Bongo Ondimba"),
    ("Le président guinéen", "2015-03-02", "Alpha Condé"),
    ("Le président togolais", "2015-03-02", "Faure Gnassingbé"),
    ("Le Premier ministre cambodgien", "2018-03-05", "Hun Sen"),
    ("Le Premier ministre népalais", "2019-03-04", "KP Sharma Oli"),
    ("Le président mongol", "2019-03-04", "Khaltmaagiin Battulga"),
]
EN = [
    ("The Nigerian president", "2012-03-01", "Goodluck Jonathan"),
    ("The Nigerian president", "2017-03-06", "Muhammadu Buhari"),
    ("The Kenyan president", "2008-03-03", "Mwai Kibaki"),
    ("The South African president", "2012-03-05", "Jacob Zuma"),
    ("The Ethiopian prime minister", "2010-03-01", "Meles Zenawi"),
    ("The Ghanaian president", "2019-03-04", "Nana Akufo-Addo"),
    ("The Ugandan president", "2014-03-03", "Yoweri Museveni"),
    ("The Tanzanian president", "2018-03-05", "John Magufuli"),
    ("The Indian prime minister", "2006-03-06", "Manmohan Singh"),
    ("The Indian defence minister", "2016-03-07", "Manohar Parrikar"),
    ("The Pakistani prime minister", "2011-03-07", "Yousaf Raza Gillani"),
    ("The Pakistani foreign minister", "2019-03-04", "Shah Mehmood Qureshi"),
    ("The Japanese prime minister", "2010-03-01", "Yukio Hatoyama"),
    ("The Japanese defence minister", "2015-03-02", "Gen Nakatani"),
    ("The Indonesian foreign minister", "2019-03-04", "Retno Marsudi"),
    ("The Indonesian defence minister", "2021-03-01", "Prabowo Subianto"),
    ("The Philippine president", "2012-03-05", "Benigno Aquino III"),
    ("The Vietnamese prime minister", "2012-03-05", "Nguyễn Tấn Dũng"),
    ("The Thai prime minister", "2017-03-06", "Prayut Chan-o-cha"),
    ("The Malaysian prime minister", "2012-03-05", "Najib Razak"),
    ("The Singaporean prime minister", "2012-03-05", "Lee Hsien Loong"),
    ("The Chinese president", "2008-03-03", "Hu Jintao"),
    ("The Chinese premier", "2008-03-03", "Wen Jiabao"),
    ("The South Korean president", "2010-03-01", "Lee Myung-bak"),
    ("The Taiwanese president", "2012-03-05", "Ma Ying-jeou"),
    ("The Sri Lankan president", "2017-03-06", "Maithripala Sirisena"),
    ("The Bangladeshi prime minister", "2004-03-01", "Khaleda Zia"),
    ("The Afghan president", "2016-03-07", "Ashraf Ghani"),
    ("The Rwandan president", "2016-03-07", "Paul Kagame"),
    ("The Senegalese president", "2016-03-07", "Macky Sall"),
    ("The DRC president", "2021-03-01", "Félix Tshisekedi"),
    ("The Burkinabe president", "2023-03-06", "Ibrahim Traoré"),
    ("The Nigerien president", "2022-03-07", "Mohamed Bazoum"),
    ("The Nigerian defence minister", "2017-03-06", "Mansur Dan Ali"),
    ("The Kenyan foreign minister", "2015-03-02", "Amina Mohamed"),
    ("The Taiwanese defence minister", "2020-03-02", "Yen Teh-fa"),
    ("The Vietnamese defence minister", "2018-03-05", "Ngô Xuân Lịch"),
    ("The Thai defence minister", "2018-03-05", "Prawit Wongsuwon"),
    ("The Sri Lankan foreign minister", "2012-03-05", "G. L. Peiris"),
    ("The Philippine foreign secretary", "2020-03-02", "Teodoro Locsin Jr."),
    ("The Sudanese leader", "2021-03-01", "Abdel Fattah al-Burhan"),
    ("The Thai king", "2020-03-02", "Vajiralongkorn"),
    ("The Sultan of Brunei", "2005-03-07", "Hassanal Bolkiah"),
]

ROWS = [("fr", *r) for r in FR] + [("en", *r) for r in EN]


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.load(user=False)


def test_the_table_spans_asia_and_africa():
    kb = KnowledgeBase.load(user=False, packs=False)
    countries = {e.country for e in (kb.lookup(n)[0] for _, _, _, n in ROWS if kb.lookup(n))}
    assert len(ROWS) >= 100 and len(countries) >= 35, sorted(countries)


@pytest.mark.parametrize("lang,phrase,date,expected", ROWS, ids=[f"{r[0]}:{r[1]}:{r[2]}" for r in ROWS])
def test_role_phrase_names_the_holder_on_the_date(kb, lang, phrase, date, expected):
    assert_names_holder(kb, lang, phrase, date, expected)
