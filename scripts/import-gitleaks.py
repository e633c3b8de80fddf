#!/usr/bin/env python3
"""Writes guidelines/packs/credentials-gitleaks.yaml from gitleaks' default rule set (config/gitleaks.toml, MIT).

Regenerate:
    swift build --product promptgate
    scripts/import-gitleaks.py PATH-TO-GITLEAKS-CHECKOUT-OR-GIT-DIR .build/debug/promptgate
    # PATH: a clone of https://github.com/gitleaks/gitleaks; the binary checks that each pattern compiles

What it does with each gitleaks rule:
- `id` is kept; an id another pack already uses (`private-key`, `jwt`, …) gets the prefix `gitleaks-`.
- `regex` (Go RE2) is kept as Hyperscan syntax, which accepts RE2's syntax except `\\z` (written `$`). The leading
  `[\\w.-]{0,50}?` that many rules put before the key name only stretches the match to the left; it is dropped, so
  the span starts at the key name and the pattern starts with a literal (cheap to scan).
- `entropy` becomes the validator `entropy-N` (Shannon entropy of the secret, bits per character); gitleaks'
  generic-api-key becomes `generic-secret` (entropy 3.5 and, as its allow-list says, not letters and `_.-` only;
  3.0 for a hexadecimal key, whose alphabet holds 4 bits a character at most).
- `keywords` are gitleaks' prefilter (a rule's regex runs only where one of them occurs) and are kept as the rule's
  `keywords:`, not as context words (whole-word context words would never match `akia` inside `AKIA…`). The
  screener scans a rule only around its keywords where the pattern's syntax proves every match holds one, and
  over the whole text otherwise, so a keyword can never lose a match.
- A pattern Hyperscan refuses as too large (a repeat such as `{109,269}`) is tried with its large upper bounds
  made open (`{109,}`), then with large lower bounds cut to 40; the pack's header lists each rule so widened, and
  each rule still refused.
- Every rule blocks (category credentials) like the credentials pack.
- `match` examples are generated from the pattern (a deterministic random string the regex accepts, with a secret
  of high entropy); `no_match` examples put a one-character run where the secret goes, which fails the entropy
  check (rules with an entropy threshold only).

Rules that are not imported are listed in the pack's header with the reason (path-only rules: a prompt has no
file path; rules whose pattern Python cannot parse to make an example).
"""
import pathlib
import random
import warnings
import re
import subprocess
import sys
import tomllib

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import sre_constants as C
    import sre_parse

warnings.filterwarnings("ignore")
root = pathlib.Path(__file__).resolve().parent.parent
target = root / "guidelines/packs/credentials-gitleaks.yaml"

ENTITIES = {
    "aws-access-token": "AWS_ACCESS_KEY", "gcp-api-key": "GOOGLE_API_KEY", "private-key": "PRIVATE_KEY",
    "jwt": "JWT", "jwt-base64": "JWT", "slack-bot-token": "SLACK_TOKEN", "slack-user-token": "SLACK_TOKEN",
    "slack-app-token": "SLACK_TOKEN", "slack-config-access-token": "SLACK_TOKEN",
    "slack-config-refresh-token": "SLACK_TOKEN", "slack-legacy-bot-token": "SLACK_TOKEN",
    "slack-legacy-token": "SLACK_TOKEN", "slack-legacy-workspace-token": "SLACK_TOKEN",
    "slack-webhook-url": "SLACK_TOKEN", "github-pat": "GITHUB_TOKEN", "github-fine-grained-pat": "GITHUB_TOKEN",
    "github-oauth": "GITHUB_TOKEN", "github-app-token": "GITHUB_TOKEN", "github-refresh-token": "GITHUB_TOKEN",
}


def existing_ids():
    ids = set()
    for path in (root / "guidelines/packs").glob("*.yaml"):
        if path == target:
            continue
        ids.update(re.findall(r"^  - id: ([\w-]+)", path.read_text(encoding="utf-8"), re.M))
    return ids


def translate(regex: str) -> str:
    # `\#` is a literal `#`; written plainly, so the pack embeds in a Swift raw string (where `\#` is an escape).
    out = regex.replace("\\z", "$").replace("\\#", "#")
    # The optional run of word characters before the key name only moves the match's start to the left.
    # The character after the secret that most rules require (a quote, space, `;`, an escaped `\n` or the end)
    # would be part of the span: it becomes a word boundary, which takes no character and, unlike nothing at all,
    # lets a long secret end at few places (every end of a match is reported and judged).
    for tail in ("(?:[\\x60'\"\\s;]|\\\\[nr]|$)",):
        if out.endswith(tail):
            out = out[: -len(tail)] + "\\b"
    changed = True
    while changed:
        changed = False
        for lead in ("[\\w.-]{0,50}?", "[\\w.-]{0,50}"):
            for flag in ("", "(?i)", "(?i:"):
                if out.startswith(flag + lead):
                    out = flag + out[len(flag + lead):]
                    changed = True
                    break
            if changed:
                break
    return out


class Generator:
    """A string a regex accepts, from Python's parse of it."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def chars(self, items):
        pool = []
        for op, av in items:
            if op is C.LITERAL:
                pool.append(chr(av))
            elif op is C.RANGE:
                pool.extend(chr(c) for c in range(av[0], av[1] + 1) if c < 128)
            elif op is C.CATEGORY:
                pool.extend({C.CATEGORY_DIGIT: "0123456789", C.CATEGORY_WORD: "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789",
                             C.CATEGORY_SPACE: " "}.get(av, ""))
            elif op is C.NEGATE:
                return None
        return pool

    def gen(self, parsed, flags=0):
        out = []
        for op, av in parsed:
            if op is C.LITERAL:
                out.append(chr(av))
            elif op is C.NOT_LITERAL:
                out.append("x" if av != ord("x") else "y")
            elif op is C.ANY:
                out.append("x")
            elif op is C.IN:
                pool = self.chars(av)
                if pool is None:
                    # A negated class: a character outside it (a space, unless spaces are excluded too).
                    spaces = any(o is C.CATEGORY and a == C.CATEGORY_SPACE or o is C.LITERAL and a == 32 for o, a in av)
                    out.append(";" if spaces else " ")
                else:
                    # Prefer letters and digits: a secret made of them is what a scanner looks for.
                    nice = [c for c in pool if c.isalnum()] or pool
                    out.append(self.rng.choice(nice))
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
                low, high, sub = av
                high = min(high, 4096)
                n = low if high == low else max(low, min(high, max(low, 24)))
                if low == 0 and (high <= 50 or (len(sub) == 1 and sub[0][0] is C.ANY)):
                    n = 0
                for _ in range(n):
                    out.append(self.gen(sub, flags))
            elif op is C.SUBPATTERN:
                out.append(self.gen(av[-1], flags))
            elif op is C.BRANCH:
                out.append(self.gen(av[1][0], flags))
            elif op is C.AT:
                pass
            elif op is C.CATEGORY:
                out.append({C.CATEGORY_DIGIT: "7", C.CATEGORY_WORD: "k", C.CATEGORY_SPACE: " "}.get(av, "x"))
            elif op is C.GROUPREF:
                raise ValueError("backreference")
            elif op in (C.ASSERT, C.ASSERT_NOT):
                raise ValueError("lookaround")
            else:
                raise ValueError(f"unsupported {op}")
        return "".join(out)


def entropy(text):
    import math
    if not text:
        return 0.0
    counts = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def widened(pattern, level):
    """The pattern with large repeats relaxed: level 1 opens upper bounds above 64, level 2 also caps lower
    bounds at 40."""
    def relax(m):
        low, high = int(m.group(1)), m.group(2)
        if level >= 2:
            low = min(low, 40)
        if high is not None and high != "" and int(high) > 64:
            return "{%d,}" % low
        return "{%d,%s}" % (low, high) if high is not None else "{%d}" % low
    return re.sub(r"\{(\d+)(?:,(\d*))?\}", relax, pattern)


def lint(binary, rid, pattern, validator, match):
    """None if the one-rule pack passes `promptgate rules lint`, else its complaint."""
    import tempfile
    pack = "\n".join([
        "pack: check", "title: check", 'version: "1"', "rules:", f"  - id: {rid}", "    title: check",
        "    category: credentials", "    entity: API_KEY", "    patterns:", f"      - {quote(pattern)}",
    ] + ([f"    validator: {validator}"] if validator else []) + [
        "    action: block", "    priority: 84", "    message: check",
        '    source: {title: check, url: "https://example.org"}', "    examples:", f"      match: [{dq(match)}]", ""])
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(pack)
    result = subprocess.run([binary, "rules", "lint", f.name], capture_output=True, text=True)
    pathlib.Path(f.name).unlink()
    return None if result.returncode == 0 else (result.stdout + result.stderr).strip()


def python_regex(regex):
    # Python reads RE2's syntax but for \z and a global flag group that is not at the start.
    text = regex.replace("\\z", "\\Z")
    if "(?i)" in text[1:]:
        # Python refuses a flag group after the start: for making an example, case does not matter.
        text = "(?i)" + text.replace("(?i)", "")
    return text


def example(rule, seed):
    """(match, no_match or None) for a rule, or raises ValueError."""
    pattern = python_regex(rule["regex"])
    compiled = re.compile(pattern)
    parsed = sre_parse.parse(pattern)
    threshold = rule.get("entropy", 0)
    for attempt in range(200):
        text = Generator(seed * 1000 + attempt).gen(parsed)
        m = compiled.search(text)
        if not m:
            continue
        groups = [g for g in m.groups() if g] if m.groups() else []
        secret = groups[0] if groups else m.group(0)
        if entropy(secret) < max(threshold, 0) + 0.05:
            continue
        if rule["id"] == "generic-api-key" and re.fullmatch(r"[A-Za-z_.-]+", secret):
            continue
        if "\n" in text or "\r" in text:
            continue
        no_match = None
        if threshold and len(secret) >= 2 and "\\" not in secret:
            start, end = m.span(m.groups().index(secret) + 1) if groups else m.span()
            low = text[:start] + secret[0] * len(secret) + text[end:]
            lm = compiled.search(low)
            if lm:
                lg = [g for g in lm.groups() if g] if lm.groups() else [lm.group(0)]
                if entropy(lg[0]) < threshold:
                    no_match = low
        return text, no_match
    raise ValueError("no example found")


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def dq(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    binary = sys.argv[2]
    source = pathlib.Path(sys.argv[1])
    git = lambda *a: subprocess.run(["git", "-C", str(source), *a], check=True, capture_output=True, text=True).stdout
    commit = git("rev-parse", "HEAD").strip()
    config = tomllib.loads(git("show", "HEAD:config/gitleaks.toml"))
    taken = existing_ids()
    # Rules the hand-written credentials pack already has, with their entity and a span of the same length: the
    # two would find the same value, and the pack's rule names it.
    covered = {
        "aws-access-token": "aws-access-key", "gcp-api-key": "google-api-key", "jwt": "jwt",
        "private-key": "private-key", "github-pat": "github-token", "github-oauth": "github-token",
        "github-app-token": "github-token", "github-refresh-token": "github-token",
        "github-fine-grained-pat": "github-token", "slack-bot-token": "slack-token",
        "slack-legacy-bot-token": "slack-token", "slack-legacy-token": "slack-token",
        "slack-legacy-workspace-token": "slack-token", "slack-user-token": "slack-token",
        "slack-app-token": "slack-token", "slack-config-access-token": "slack-token",
        "slack-config-refresh-token": "slack-token", "stripe-access-token": "api-secret-key",
        "anthropic-api-key": "api-secret-key", "anthropic-admin-api-key": "api-secret-key",
        "sidekiq-sensitive-url": "connection-string",
    }
    # Alternatives that gitleaks only runs behind a keyword found anywhere in a file ("sourcegraph"), and that alone
    # match values every prompt about code holds: they are dropped, and the pack's header says so.
    narrowed = {
        "sourcegraph-access-token": (
            "|[a-fA-F0-9]{40}", "its bare 40-hex form is any git commit id; kept with its sgp_ prefix only"),
    }
    patterns_seen = {}
    rules, skipped, relaxed = [], [], []
    for index, rule in enumerate(config["rules"]):
        rid = rule["id"]
        if rid in narrowed and "regex" in rule:
            cut, _ = narrowed[rid]
            if cut not in rule["regex"]:
                raise SystemExit(f"{rid}: the alternative to drop is no longer in its pattern; review `narrowed`")
            rule["regex"] = rule["regex"].replace(cut, "", 1)
        if "regex" not in rule:
            skipped.append((rid, "matches file paths only: a prompt has no path"))
            continue
        if rid in covered:
            skipped.append((rid, f"the credentials pack's rule {covered[rid]} finds the same values"))
            continue
        if "path" in rule:
            skipped.append((rid, "applies to files of one kind (its path pattern): a prompt has no path"))
            continue
        try:
            match, no_match = example(rule, index + 1)
        except (ValueError, re.error) as error:
            skipped.append((rid, f"no example could be made from its pattern ({error})"))
            continue
        validator = "generic-secret" if rid == "generic-api-key" else (
            f"entropy-{rule['entropy']:g}" if rule.get("entropy") else None)
        pattern, problem = translate(rule["regex"]), None
        for level in (0, 1, 2):
            candidate = widened(pattern, level) if level else pattern
            problem = lint(binary, rid, candidate, validator, match)
            if problem is None:
                if level:
                    relaxed.append((rid, level))
                pattern = candidate
                break
            if "cannot be compiled" not in problem:
                break
        if problem is not None:
            reason = problem.split(": ", 1)[-1].replace("\n", " ")[:160]
            skipped.append((rid, f"refused by the engine: {reason}"))
            continue
        if pattern in patterns_seen:
            skipped.append((rid, f"the same pattern as {patterns_seen[pattern]}, which finds its values"))
            continue
        patterns_seen[pattern] = rid
        rules.append((rule, pattern, validator, match, no_match, ("gitleaks-" + rid) if rid in taken else rid))
    lines = [
        "# Generated by scripts/import-gitleaks.py from gitleaks' default rule set. Do not edit: run the script.",
        "#",
        f"# Source: https://github.com/gitleaks/gitleaks, config/gitleaks.toml at commit {commit}.",
        "# MIT License, Copyright (c) 2019 Zachary Rice. Permission is hereby granted, free of charge, to any person",
        "# obtaining a copy of this software and associated documentation files (the \"Software\"), to deal in the",
        "# Software without restriction, including without limitation the rights to use, copy, modify, merge, publish,",
        "# distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is",
        "# furnished to do so, subject to the following conditions: The above copyright notice and this permission",
        "# notice shall be included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED",
        "# \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF",
        "# MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR",
        "# COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,",
        "# TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN",
        "# THE SOFTWARE.",
        "#",
        "# Translation: see scripts/import-gitleaks.py. Gitleaks' per-rule allow-lists (regular expressions over the",
        "# secret or the line, and stop words) are not carried over: a rule's allow-list here holds exact values only.",
        "# The generic-api-key rule keeps the one that matters most (a secret of letters and _.- only is a word).",
        "# Each rule's `keywords` are gitleaks' own: the rule is scanned only around them where its pattern proves that",
        "# every match holds one (see guidelines/README.md), and over the whole text otherwise.",
        f"# Rules not imported ({len(skipped)}):",
    ]
    lines += [f"#   {rid}: {why}" for rid, why in skipped]
    lines += ["#", "# Rules narrowed (an alternative gitleaks runs only behind its keyword, dropped here):"]
    lines += [f"#   {rid}: {why}" for rid, (_, why) in narrowed.items()]
    lines.append(f"# Rules whose large repeats were relaxed for Hyperscan ({len(relaxed)}; 1: upper bounds opened, 2: and lower"
                 " bounds cut to 40):")
    lines += [f"#   {rid}: {level}" for rid, level in relaxed]
    lines += [
        "pack: credentials-gitleaks",
        "title: Credentials (gitleaks' default rules)",
        f'version: "gitleaks-{commit[:12]}"',
        "rules:",
    ]
    first = True
    for rule, pattern, validator, match, no_match, rid in rules:
        title = rule["description"].rstrip(".")
        lines.append(f"  - id: {rid}")
        lines.append(f"    title: {dq(title)}")
        lines.append("    category: credentials")
        lines.append(f"    entity: {ENTITIES.get(rule['id'], 'API_KEY')}")
        if rule.get("keywords"):
            lines.append(f"    keywords: [{', '.join(dq(k) for k in rule['keywords'])}]")
        lines.append("    patterns:")
        lines.append(f"      - {quote(pattern)}")
        if validator:
            lines.append(f"    validator: {validator}")
        lines.append("    action: block")
        lines.append("    priority: 84")
        if first:
            lines += [
                "    message: &secret-message >",
                "      This prompt contains a secret (a key, token or password). PromptGate did not send it. Remove the",
                "      secret, and if it was pasted anywhere outside your password manager, ask IT to rotate it.",
                "    source: &gitleaks",
                "      title: New York State ITS policy NYS-P24-001, Acceptable Use of Artificial Intelligence Technologies (2024); rule from gitleaks",
                "      url: https://its.ny.gov/system/files/documents/2024/01/nys-p24-001-acceptable-use-of-artificial-intelligence-technologies-1_0.pdf",
                "      clause: no restricted or confidential information in public generative AI",
            ]
            first = False
        else:
            lines += ["    message: *secret-message", "    source: *gitleaks"]
        lines.append("    examples:")
        lines.append(f"      match: [{dq(match)}]")
        if no_match:
            lines.append(f"      no_match: [{dq(no_match)}]")
        lines.append("")
    target.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
    print(f"{len(rules)} rules written to {target.relative_to(root)}, {len(skipped)} not imported")


if __name__ == "__main__":
    main()
