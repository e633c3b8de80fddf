#!/usr/bin/env python3
"""Writes Tests/fixtures/presidio/recognizer-cases.json: the test cases of Presidio's predefined
recognizers (microsoft/presidio, presidio-analyzer/tests/test_*_recognizer.py, MIT licence), as data.

Regenerate:
    # a checkout of https://github.com/microsoft/presidio at the commit to import
    scripts/import-presidio-cases.py PATH-TO-PRESIDIO-CHECKOUT-OR-GIT-DIR

The script reads each test file with Python's `ast` (it never imports or runs Presidio's code) and keeps the
`@pytest.mark.parametrize("text, expected_len, expected_positions, …", [...])` tables of the recognizers whose
`entities` fixture names one entity. Each case is (entity, text, expected spans as character offsets). Cases that a
city's screening deliberately treats otherwise are listed in `EXCEPTIONS` below with the reason, and travel in the
fixture as such; the Swift test (`PresidioCaseTests`) runs the rest through the default packs.

No Presidio code is copied: only the literal test inputs and their expected positions.
"""
import ast
import json
import re
import pathlib
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
target = root / "Tests/fixtures/presidio/recognizer-cases.json"
TESTS = "presidio-analyzer/tests"

# (entity, text) → why PromptGate deliberately differs from Presidio's expectation. Keep this short and honest.
SSN_SHAPES = ("Presidio reads a dash in either place (078-051121, 07805-1121); PromptGate reads an SSN or ITIN written "
              "3-2-4, or nine digits next to a word naming it")
STILL_SSN = ("a number written as an SSN that fails the SSA's rules is kept (us-ssn, when_check_fails: "
             "still-personal-data): in a case file it is still somebody's")
STEUER_ID = ("ten different digits in the first ten: no Steuer-ID is issued so (BZSt, § 139b AO: one digit occurs "
             "twice or three times), and de-tax-id checks that as well as the check digit")
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("US_SSN", "078-051121 07805-1121"): SSN_SHAPES,
    ("US_ITIN", "911-701234 91170-1234"): SSN_SHAPES,
    ("US_SSN", "078-05-0000"): STILL_SSN,
    ("US_SSN", "078 00 1123"): STILL_SSN,
    ("DE_TAX_ID", "12345678903"): STEUER_ID,
    ("DE_TAX_ID", "98765432106"): STEUER_ID,
    ("DE_TAX_ID", "Meine Steuer-ID: 12345678903."): STEUER_ID,
    ("DE_TAX_ID", "IdNr. 98765432106 liegt vor."): STEUER_ID,
    ("CREDIT_CARD", "122000000000003"): "a UATP airline card (15 digits from 1): one such number in ten passes Luhn, "
    "and payment-card checks issuers' ranges",
    ("SG_NRIC_FIN", "A1234567Z"): "A is no NRIC/FIN prefix (ICA issues S, T, F, G and M)",
    ("SG_NRIC_FIN", "B1234567Z"): "B is no NRIC/FIN prefix (ICA issues S, T, F, G and M)",
    ("IN_PAN", "A1111DFSFS"): "not a PAN (five letters, four digits, a letter)",
    ("IT_VAT_CODE", "01333550_323"): "an underscore inside the number: the digits are not read across it",
    ("US_DRIVER_LICENSE", "123456789 1234567890 12345679012 123456790123 1234567901234 1234"): "five bare numbers "
    "in a row with no word naming any: PromptGate's licence rule needs the word next to the number",
}


def excepted(entity: str, text: str, expected):
    """Whole kinds of case where PromptGate's rules deliberately differ, with the reason."""
    if entity == "URL" and expected:
        return ("the url rule finds URLs and paths that name a person (the city's guidelines): a company's home "
                "page is no personal data")
    values = [text[s:e].split("/")[0] for s, e in expected or []]
    special = {"::", "::1", "127.0.0.1", "0.0.0.0", "255.255.255.255"}
    if entity == "IP_ADDRESS" and any(v in special or v.endswith("::") for v in values):
        return ("a loopback, unspecified or broadcast address, or a network prefix, identifies no one's device; "
                "the ip rules skip them")
    return None

# Formats that other numbers share, which PromptGate's packs count only next to a word naming them: a case of
# these types that expects a finding in text without any such word is an exception, and it travels with the word
# that makes it a finding (`with_context`), which the test checks.
NEEDS_CONTEXT: dict[str, tuple[str, list[str], str]] = {
    "AU_ABN": ("ABN ", ["abn", "australian business number"], "eleven bare digits"),
    "AU_ACN": ("ACN ", ["acn", "australian company number"], "nine bare digits (the format of SSNs, SINs, BSNs)"),
    "AU_TFN": ("TFN ", ["tfn", "tax file number"], "nine bare digits (the format of SSNs, SINs, BSNs)"),
    "AU_MEDICARE": ("Medicare ", ["medicare"], "ten bare digits (the format of phone and NHS numbers)"),
    "IN_AADHAAR": ("Aadhaar ", ["aadhaar", "aadhar"], "twelve bare digits (account and order numbers)"),
    "IN_PASSPORT": ("passport ", ["passport"], "a letter and seven digits"),
    "IN_VOTER": ("voter ID ", ["voter", "vote"], "three letters and seven digits (ticket and product codes)"),
    "TH_TNIN": ("Thai ID ", ["thai", "tnin", "เลขประจำตัวประชาชน"], "thirteen bare digits (barcodes)"),
    "UK_PASSPORT": ("passport ", ["passport"], "two letters and seven digits (also Italian documents)"),
    "IT_PASSPORT": ("passaporto ", ["passaporto"], "two letters and seven digits (also UK passports)"),
    "IT_IDENTITY_CARD": ("carta d'identità ", ["carta", "identità", "cie"], "two letters and seven digits"),
    "IT_VAT_CODE": ("P.IVA ", ["iva", "vat"], "eleven bare digits that pass Luhn (one number in ten)"),
    "US_BANK_NUMBER": ("account ", ["account", "acct"], "any eight to seventeen digits"),
    "US_PASSPORT": ("passport ", ["passport"], "nine bare digits"),
    "UK_NHS": ("NHS ", ["nhs", "health"], "ten bare digits that pass mod 11 (phone numbers)"),
    "US_DRIVER_LICENSE": ("driver's license ", ["license", "licence"], "a letter and digits, or bare digits"),
    "US_SSN": ("SSN ", ["ssn", "social security"], "nine bare digits"),
    "US_ITIN": ("ITIN ", ["itin", "tax"], "nine bare digits"),
    "CA_SIN": ("SIN ", ["sin", "nas", "social insurance"], "nine bare digits"),
}
# Of those, the ones whose formatted forms count without a word: a case needs one only in this shape.
BARE_ONLY = {"US_SSN": r"\d{9}", "US_ITIN": r"\d{9}", "CA_SIN": r"\d{9}"}


def git_files(source: pathlib.Path):
    """(name, text) of every test_*_recognizer.py at HEAD of `source` (a work tree or a bare git directory), and
    the commit."""
    def git(*args):
        return subprocess.run(["git", "-C", str(source), *args], check=True, capture_output=True, text=True).stdout
    commit = git("rev-parse", "HEAD").strip()
    names = [n for n in git("ls-tree", "--name-only", f"HEAD:{TESTS}").split() if n.startswith("test_")
             and n.endswith("_recognizer.py")]
    return commit, [(n, git("show", f"HEAD:{TESTS}/{n}")) for n in sorted(names)]


def entities_of(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "entities":
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and ret.value is not None:
                    try:
                        value = ast.literal_eval(ret.value)
                    except ValueError:
                        return None
                    return value if isinstance(value, list) else None
    return None


def spans(value):
    """Expected positions in either shape Presidio's tests use: ((s, e), …) or one (s, e)."""
    if not value:
        return []
    if isinstance(value[0], int):
        return [list(value)]
    return [list(p) for p in value]


POSITIONS = ("expected_positions", "expected_position", "expected_res")


def cases_of(name: str, source: str):
    tree = ast.parse(source)
    fixture_entities = entities_of(tree)
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            if not (isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "parametrize"):
                continue
            if len(deco.args) < 2 or not isinstance(deco.args[0], ast.Constant):
                continue
            argnames = [a.strip() for a in deco.args[0].value.split(",")]
            if argnames[0] not in ("text", "iban") or argnames[1:2] != ["expected_len"]:
                continue
            position = next((a for a in argnames if a in POSITIONS), None)
            for element in deco.args[1].elts:
                try:
                    row = dict(zip(argnames, ast.literal_eval(element)))
                except ValueError:
                    continue
                text, expected_len = row[argnames[0]], row["expected_len"]
                if not isinstance(text, str) or not isinstance(expected_len, int):
                    continue
                entities = row.get("entities") or fixture_entities
                if not entities or len(set(entities)) != 1:
                    continue
                entity = entities[0]
                if position:
                    expected = spans(row[position]) if expected_len else []
                elif "expected_start" in row and expected_len == 1:
                    expected = [[row["expected_start"], row["expected_end"]]]
                else:
                    expected = None  # the test checks the count only
                if expected is not None and len(expected) != expected_len:
                    continue
                case = {"entity": entity, "text": text, "expected_count": expected_len, "file": name,
                        "line": element.lineno}
                if expected is not None:
                    case["expected"] = expected
                why = EXCEPTIONS.get((entity, text))
                if why:
                    case["exception"] = why
                elif excepted(entity, text, expected):
                    case["exception"] = excepted(entity, text, expected)
                elif entity in NEEDS_CONTEXT and expected_len > 0:
                    prefix, words, shape = NEEDS_CONTEXT[entity]
                    bare = BARE_ONLY.get(entity)
                    if bare and not re.fullmatch(bare, text):
                        pass
                    elif not any(word in text.lower() for word in words):
                        case["exception"] = (f"Presidio expects {entity} with no word naming it; PromptGate needs "
                                             f"one for {shape}")
                        case["with_context"] = prefix
                out.append(case)
    return out


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    commit, files = git_files(pathlib.Path(sys.argv[1]))
    cases = []
    for name, source in files:
        cases += cases_of(name, source)
    used = {(c["entity"], c["text"]) for c in cases}
    stale = [k for k in EXCEPTIONS if k not in used]
    if stale:
        raise SystemExit(f"exceptions that match no case any more: {stale}")
    fixture = {
        "source": {
            "repository": "https://github.com/microsoft/presidio",
            "commit": commit,
            "path": f"{TESTS}/test_*_recognizer.py",
            "licence": "MIT License. Copyright (c) Microsoft Corporation. Permission is hereby granted, free of "
            "charge, to any person obtaining a copy of this software and associated documentation files (the "
            "\"Software\"), to deal in the Software without restriction, including without limitation the rights to "
            "use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to "
            "permit persons to whom the Software is furnished to do so, subject to the following conditions: The "
            "above copyright notice and this permission notice shall be included in all copies or substantial "
            "portions of the Software. THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR "
            "IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR "
            "PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY "
            "CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, "
            "OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.",
            "generator": "scripts/import-presidio-cases.py",
            "offsets": "Unicode scalar (Python str) offsets, end exclusive",
        },
        "cases": cases,
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    by = {}
    for c in cases:
        by[c["entity"]] = by.get(c["entity"], 0) + 1
    print(f"{len(cases)} cases from {commit[:12]}: " + ", ".join(f"{k} {v}" for k, v in sorted(by.items())))


if __name__ == "__main__":
    main()
