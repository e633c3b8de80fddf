#!/usr/bin/env python3
"""Turns the Swift code a developer copies into a package that must compile (scripts/check-docs.sh).

Sources: the ```swift blocks of docs/developer.md, of the DocC articles under Sources/*/*.docc, and of the `///`
doc comments in the library products' sources. The block that starts with `// swift-tools-version` is the
manifest: used as written, with its path dependency pointed at this repository and the CaseNotes example added as a
second target. Every other block is compiled as written, on its own: its imports go to the top of its file and the
rest becomes the body of an `async throws` function (so `try await` at the top level of a snippet works, as it does
in a main.swift).
"""
import argparse
import pathlib
import re

LIBRARY_MODULES = ["PromptGate", "Screening", "AuditLog"]


def blocks(lines, strip_comment=False):
    """Yields (first line number, code lines) for each ```swift block."""
    inside, start, code = False, 0, []
    for number, line in enumerate(lines, 1):
        text = line
        if strip_comment:
            stripped = line.strip()
            if not stripped.startswith("///"):
                inside, code = False, []
                continue
            text = stripped[3:]
            if text.startswith(" "):
                text = text[1:]
        if not inside and text.strip() == "```swift":
            inside, start, code = True, number + 1, []
        elif inside and text.strip() == "```":
            inside = False
            yield start, code
        elif inside:
            code.append(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    repo, out = pathlib.Path(args.repo), pathlib.Path(args.out)

    found = []  # (origin, code lines, the module a doc comment or article belongs to)
    developer = repo / "docs/developer.md"
    for start, code in blocks(developer.read_text().splitlines()):
        found.append((f"docs/developer.md:{start}", code, None))
    for module in LIBRARY_MODULES:
        for article in sorted((repo / "Sources" / module).glob("*.docc/**/*.md")):
            for start, code in blocks(article.read_text().splitlines()):
                found.append((f"{article.relative_to(repo)}:{start}", code, module))
        for source in sorted((repo / "Sources" / module).rglob("*.swift")):
            for start, code in blocks(source.read_text().splitlines(), strip_comment=True):
                found.append((f"{source.relative_to(repo)}:{start}", code, module))

    manifests = [(o, code) for o, code, _ in found if code and code[0].startswith("// swift-tools-version")]
    if len(manifests) != 1:
        raise SystemExit(f"extract-snippets: expected one manifest block in docs/developer.md, found {len(manifests)}")
    origin, manifest = manifests[0]
    text = "\n".join(manifest) + "\n"
    text, count = re.subn(r'path: "[^"]*"', f'path: "{repo}"', text)
    if count != 1:
        raise SystemExit(f"extract-snippets: {origin}: the manifest must name the repository by one path")
    target = re.search(r'\.executableTarget\(\s*name: "([^"]+)"', text)
    if not target:
        raise SystemExit(f"extract-snippets: {origin}: the manifest must declare an executable target")
    tool = target.group(1)
    example = (
        '        .executableTarget(\n            name: "case-notes",\n'
        '            dependencies: [.product(name: "PromptGate", package: "PromptGate")]),\n'
    )
    at = text.rindex("    ]\n)")
    text = text[:at] + example.replace("        ", "        ", 1) + text[at:]
    text = text.replace("])\n        .executableTarget(", "]),\n        .executableTarget(")
    (out / "Package.swift").write_text(text)

    sources = out / "Sources" / tool
    sources.mkdir(parents=True)
    (out / "Sources" / "case-notes").symlink_to(repo / "Examples/CaseNotes/Sources/case-notes")
    (sources / "main.swift").write_text('print("every documented snippet compiles")\n')
    count = 0
    for origin, code, module in found:
        if code and code[0].startswith("// swift-tools-version"):
            continue
        count += 1
        imports = [line for line in code if re.match(r"^(@testable )?import \w+", line)]
        if module and f"import {module}" not in imports:
            imports.append(f"import {module}")  # a doc comment's code reads as written in its module's users
        body = [line for line in code if line not in imports]
        name = f"snippet{count}"
        swift = [f"// {origin}"] + imports + ["", f"func {name}() async throws {{"]
        swift += [f"    #sourceLocation(file: \"{repo / origin.rsplit(':', 1)[0]}\", line: {origin.rsplit(':', 1)[1]})"]
        swift += ["    " + line if line else "" for line in body]
        swift += ["    #sourceLocation()", "}", ""]
        (sources / f"Snippet{count}.swift").write_text("\n".join(swift))
    print(f"extract-snippets: {count} snippets and the manifest from {len({o.rsplit(':', 1)[0] for o, _, _ in found})} files")


if __name__ == "__main__":
    main()
