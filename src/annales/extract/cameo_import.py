"""Importer: the PETRARCH2 CAMEO verb dictionary as Annales trigger data (resources/en/cameo_verbs.json).

Run at build time; the output is committed with the dictionary's MIT notice beside it:

    python -m annales.extract.cameo_import ../shared/data/petrarch2/CAMEO.2.0.txt \
        ../shared/design/plover/CAMEO2PLOVER-2021.txt -o src/annales/resources/en/cameo_verbs.json

The dictionary is a list of verb blocks: `--- VERB [code] ---`, then the verb's synonyms (one a line,
irregular forms in braces), then patterns `- words * words [code] # verb` whose code replaces the
block's when the words surround the verb. CAMEO codes are mapped to PLOVER (event, mode, context) with
the conversion table; codes the table does not map (CAMEO 01/02 statements, appeals) are left out.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

_BLOCK = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]\s+---")
_PATTERN = re.compile(r"^-\s+(.*?)\s*\[([^\]]*)\]")
_TABLE = re.compile(r"^(\d{2,4}):\s*([A-Z]+)\s*,([^,#]*),?([^#]*)")
NOTICE = ("Generated from the PETRARCH2 CAMEO verb dictionary (CAMEO.2.0.txt), Copyright (c) 2014 Open Event "
          "Data, MIT License (see cameo_verbs.LICENSE), mapped to PLOVER with CAMEO2PLOVER-2021.")


def plover_table(lines) -> dict[str, dict]:
    """CAMEO code -> {"event", "mode", "context"} from the CAMEO2PLOVER table."""
    out = {}
    for line in lines:
        m = _TABLE.match(line.strip())
        if not m:
            continue
        code, event, mode, ctx = m.groups()
        mode = mode.strip() or None
        ctx = [c.strip() for c in re.split(r"[;,]", ctx) if c.strip()]
        out[code] = {"event": event, "mode": mode, "context": ctx}
    return out


def _forms(line: str) -> tuple[str, list[str]]:
    """'SPEED {SPEEDING SPEEDS SPED }' -> ('speed', ['speeding', 'speeds', 'sped'])."""
    line = line.split("#", 1)[0].strip()
    m = re.match(r"^([A-Z_'-]+)\s*(?:\{([^}]*)\})?", line)
    if not m:
        return "", []
    head = m.group(1).lower().replace("_", " ")
    forms = [f.lower().replace("_", " ") for f in (m.group(2) or "").split()]
    return head, forms


def _code(raw: str) -> str | None:
    raw = raw.strip()
    if not raw or raw.startswith("-"):
        return None
    return raw.split(":", 1)[0]          # '042:043': the source's code (the other is the target's)


def parse(lines, table: dict[str, dict]) -> dict:
    """{"verbs": lemma -> {"code", "forms", "block"}, "blocks": [[[words, code], ...]], "codes": code -> PLOVER}:
    a block's patterns are stored once and shared by its synonyms."""
    verbs: dict[str, dict] = {}
    blocks: list[list] = []
    used: set[str] = set()
    block: list[tuple[str, list[str]]] = []
    code, patterns, in_verbs = None, [], False

    def flush():
        if not block:
            return
        bi = len(blocks)
        blocks.append(patterns)
        used.update(c for _, c in patterns)
        for lemma, forms in block:
            e = verbs.setdefault(lemma, {"code": None, "forms": [], "block": bi})
            if code and table.get(code) and not e["code"]:
                e["code"] = code
                used.add(code)
            e["forms"] = sorted(set(e["forms"]) | set(forms))

    for raw in lines:
        line = raw.rstrip("\n")
        m = _BLOCK.match(line)
        if m:
            if in_verbs:
                flush()
            in_verbs, block, patterns = True, [], []
            code = _code(m.group(2))
            continue
        if not in_verbs or not line.strip() or line.startswith("#"):
            continue
        p = _PATTERN.match(line)
        if p:
            pc = _code(p.group(2))
            if pc and table.get(pc):
                words = " ".join(w for w in p.group(1).split() if w != "*").lower()
                patterns.append([words, pc])
            continue
        if line[0] in "+&":
            continue                      # synonym-set members and phrasal forms
        lemma, forms = _forms(line)
        if lemma:
            block.append((lemma, forms))
    if in_verbs:
        flush()
    verbs = {k: v for k, v in sorted(verbs.items()) if v["code"] or blocks[v["block"]]}
    return {"verbs": verbs, "blocks": blocks, "codes": {c: table[c] for c in sorted(used)}}


def build(dictionary: Path, table: Path) -> dict:
    t = plover_table(table.read_text(encoding="utf-8", errors="replace").splitlines())
    data = parse(dictionary.read_text(encoding="utf-8", errors="replace").splitlines(), t)
    return {"_doc": NOTICE + " verbs: each verb's CAMEO code when the verb alone carries one, its irregular "
                    "forms, and its block; blocks: the patterns [words around the verb, code] a verb's block "
                    "shares; codes: CAMEO code -> PLOVER event, mode, context.", **data}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="import the PETRARCH2 CAMEO verb dictionary as trigger data")
    ap.add_argument("dictionary")
    ap.add_argument("table", help="CAMEO2PLOVER conversion table")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args(argv)
    try:
        data = build(Path(a.dictionary), Path(a.table))
    except OSError as e:
        print(f"cameo_import: {e}", file=sys.stderr)
        return 1
    Path(a.output).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"cameo_import: {len(data['verbs'])} verbs -> {a.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
