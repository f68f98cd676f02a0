"""A synthetic benchmark corpus of any size, made from the demo articles in examples/.

Each generated document takes one demo article (same language), keeps its
lede first, shuffles the other paragraphs (and sometimes the sentences inside
them), drops or borrows paragraphs to vary the length, swaps names, months,
weekdays, days and years from bench/variation.json, and wraps the result in the
menus and footers of a random demo page. Everything is drawn from one seeded
random generator, so the same seed gives the same corpus. The output is
synthetic: the swapped names and dates make no factual claim.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import py3langid

BENCH = Path(__file__).resolve().parent
EXAMPLES = BENCH.parent / "examples"
LANGS = ("fr", "en")
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "li", "div", "figcaption", "footer", "header",
               "nav", "section", "aside", "article", "ul", "tr", "br", "title"}
_SENTENCE_END = re.compile(r"(?<=[.!?»\"])\s+(?=[A-ZÀ-Ý«\"])")


@dataclass
class Template:
    """One demo article split into page furniture and article paragraphs."""

    name: str
    lang: str
    header: list[str]
    body: list[str]
    footer: list[str]


@dataclass
class GeneratedDoc:
    file: str
    lang: str
    text: str
    meta: dict


def html_to_text(html: str) -> str:
    """Visible text of a page, one block per paragraph (scripts and styles dropped)."""
    root = lxml.html.fromstring(html)
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
            el.tail = "\n\n" + (el.tail or "")
    return root.text_content()


def _blocks(text: str) -> list[str]:
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in re.split(r"\n\s*\n", text)]
    return [ln for ln in (" ".join(b.split("\n")).strip() for b in lines) if ln]


def _is_body(block: str) -> bool:
    # article paragraphs are long and end as sentences; menus, counters, credits are not
    return len(block.split()) >= 18 and block.rstrip()[-1:] in ".»\"!?)"


def split_template(name: str, text: str) -> Template | None:
    blocks = _blocks(text)
    idx = [i for i, b in enumerate(blocks) if _is_body(b)]
    if len(idx) < 2:
        return None
    body_text = " ".join(blocks[i] for i in idx)
    lang, _ = py3langid.classify(body_text)
    # short blocks between paragraphs (photo credits, "read also") stay in the body
    return Template(name, lang, blocks[: idx[0]], blocks[idx[0]: idx[-1] + 1], blocks[idx[-1] + 1:])


def load_templates(examples: Path = EXAMPLES) -> list[Template]:
    """Every demo article in French or English, from .txt, .html and feed .jsonl files."""
    items: list[tuple[str, str]] = []
    for f in sorted(examples.iterdir()):
        if f.suffix == ".txt":
            items.append((f.name, f.read_text(encoding="utf-8")))
        elif f.suffix == ".html":
            items.append((f.name, html_to_text(f.read_text(encoding="utf-8"))))
        elif f.suffix == ".jsonl" and f.name != "metadata.jsonl":
            for line in f.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                text = rec.get("text") or html_to_text(rec.get("html") or "")
                items.append((rec.get("id", f.name), text))
    out = [split_template(name, text) for name, text in items]
    return [t for t in out if t is not None and t.lang in LANGS]


def load_variation(path: Path = BENCH / "variation.json") -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _swap_words(text: str, words: list[str], rng: random.Random) -> str:
    """Replace every word of `words` by another of the list, consistently within the text."""
    target = words[:]
    rng.shuffle(target)
    mapping = dict(zip(words, target))
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")
    return pattern.sub(lambda m: mapping[m.group(1)], text)


def vary_text(text: str, lang: str, var: dict, rng: random.Random) -> str:
    """Swap names, months, weekdays, years and day numbers."""
    v = var[lang]
    text = _swap_words(text, v["people"], rng)
    text = _swap_words(text, v["months"], rng)
    text = _swap_words(text, v["weekdays"], rng)
    text = _swap_words(text, var["years"], rng)
    months = "|".join(re.escape(m) for m in v["months"])
    # day numbers next to a month name: "19 juin" / "June 19"
    text = re.sub(rf"\b([0-3]?\d)(\s+)({months})\b",
                  lambda m: f"{rng.randint(1, 28)}{m.group(2)}{m.group(3)}", text)
    text = re.sub(rf"\b({months})(\s+)([0-3]?\d)\b",
                  lambda m: f"{m.group(1)}{m.group(2)}{rng.randint(1, 28)}", text)
    return text


def _shuffle_sentences(par: str, rng: random.Random) -> str:
    sents = _SENTENCE_END.split(par)
    rng.shuffle(sents)
    return " ".join(sents)


def make_body(t: Template, same_lang: list[Template], rng: random.Random) -> list[str]:
    """Lede first, the rest shuffled; length varied by dropping or borrowing paragraphs."""
    lede, rest = t.body[0], t.body[1:]
    rest = [(_shuffle_sentences(p, rng) if rng.random() < 0.4 else p) for p in rest]
    rng.shuffle(rest)
    roll = rng.random()
    if roll < 0.25 and len(rest) > 1:
        rest = rest[: rng.randint(1, len(rest) - 1)]
    elif roll > 0.7:
        donor = rng.choice(same_lang)
        src = donor.body[1:] or donor.body
        rest += rng.sample(src, k=min(len(src), rng.randint(1, 3)))
    return [lede] + rest


def _metadata(file: str, lang: str, var: dict, rng: random.Random) -> dict:
    year, month, day = rng.choice(var["years"]), rng.randint(1, 12), rng.randint(1, 28)
    roll = rng.random()
    if roll < 0.05:
        published = None
    elif roll < 0.15:
        published = f"{year}-{month:02d}"
    else:
        published = f"{year}-{month:02d}-{day:02d}"
    outlet = rng.choice(var[lang]["outlets"])
    slug = re.sub(r"\W+", "-", outlet.lower()).strip("-")
    return {"file": file, "published": published, "outlet": outlet,
            "url": f"https://{slug}.example/{file.rsplit('.', 1)[0]}",
            "crawled": f"{year}-{month:02d}-{min(day + 1, 28):02d}"}


def generate(n: int, lang: str = "fr", seed: int = 0, examples: Path = EXAMPLES) -> list[GeneratedDoc]:
    """`n` synthetic documents; lang "fr", "en" or "mixed" (alternating at random)."""
    if lang not in (*LANGS, "mixed"):
        raise ValueError(f"lang must be fr, en or mixed, not {lang!r}")
    rng = random.Random(seed)
    var = load_variation()
    by_lang: dict[str, list[Template]] = {lg: [] for lg in LANGS}
    for t in load_templates(examples):
        by_lang[t.lang].append(t)
    missing = [lg for lg in ((lang,) if lang != "mixed" else LANGS) if not by_lang[lg]]
    if missing:
        raise RuntimeError(f"no demo article in {missing} under {examples}")
    docs = []
    for i in range(n):
        lg = lang if lang != "mixed" else rng.choice(LANGS)
        pool = by_lang[lg]
        t = rng.choice(pool)
        chrome = rng.choice(pool)        # menus and footers from a (possibly other) page
        blocks = chrome.header + make_body(t, pool, rng) + chrome.footer
        text = vary_text("\n\n".join(blocks), lg, var, rng) + "\n"
        file = f"doc_{i:06d}_{lg}.txt"
        docs.append(GeneratedDoc(file, lg, text, _metadata(file, lg, var, rng)))
    return docs


def write(docs: list[GeneratedDoc], folder: Path) -> tuple[Path, Path]:
    """Write docs to folder/docs/, metadata to folder/metadata.jsonl, languages to folder/langs.jsonl."""
    doc_dir = folder / "docs"
    doc_dir.mkdir(parents=True, exist_ok=True)
    meta = folder / "metadata.jsonl"
    with open(meta, "w", encoding="utf-8") as m, open(folder / "langs.jsonl", "w", encoding="utf-8") as lf:
        for d in docs:
            (doc_dir / d.file).write_text(d.text, encoding="utf-8")
            m.write(json.dumps(d.meta, ensure_ascii=False) + "\n")
            lf.write(json.dumps({"file": d.file, "lang": d.lang}) + "\n")
    return doc_dir, meta


def word_count(docs: list[GeneratedDoc]) -> int:
    return sum(len(d.text.split()) for d in docs)
