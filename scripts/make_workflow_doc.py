#!/usr/bin/env python3
"""Rewrite the generated Mermaid diagram in docs/workflow.md from the workflow definition.

    python scripts/make_workflow_doc.py            # rewrite the block in place
    python scripts/make_workflow_doc.py --check    # exit 1 if the block is out of date

Only the text between the markers `<!-- BEGIN GENERATED: mermaid -->` and
`<!-- END GENERATED -->` is replaced; the prose around it is left alone. The
diagram is `definition.default().mermaid()`, so WORKFLOW_DEFINITION, if set,
picks the definition drawn.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from chalicelib.workflow import definition  # noqa: E402

DOC_PATH = os.path.join(ROOT, "docs", "workflow.md")
BEGIN = "<!-- BEGIN GENERATED: mermaid -->"
END = "<!-- END GENERATED -->"


def block(workflow) -> str:
    """What goes between the markers: the diagram in a Mermaid code fence."""
    return "```mermaid\n" + workflow.mermaid() + "```\n"


def rewrite(text: str, workflow) -> str:
    """`text` with the block between the markers replaced; ValueError if the markers are missing."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {BEGIN!r} … {END!r} are missing or out of order")
    head = text[:start + len(BEGIN)]
    return head + "\n" + block(workflow) + text[end:]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if out of date")
    parser.add_argument("--doc", default=DOC_PATH, help="the Markdown file (default: docs/workflow.md)")
    args = parser.parse_args(argv)
    with open(args.doc, encoding="utf-8") as f:
        text = f.read()
    try:
        updated = rewrite(text, definition.default())
    except ValueError as error:
        print(f"{args.doc}: {error}", file=sys.stderr)
        return 2
    if updated == text:
        print(f"{args.doc} is up to date.")
        return 0
    if args.check:
        print(f"{args.doc} is out of date: run python scripts/make_workflow_doc.py", file=sys.stderr)
        return 1
    with open(args.doc, "w", encoding="utf-8") as f:
        f.write(updated)
    print(f"{args.doc} rewritten.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
