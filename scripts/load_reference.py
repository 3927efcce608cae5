#!/usr/bin/env python3
"""Load (or update) reference data files into the reference table.

    python scripts/load_reference.py data/demo [--dry-run]

Uses the ordinary AWS environment (AWS_ENDPOINT_URL for the local emulator,
REFERENCE_TABLE for the table name). An invalid set of files is refused whole:
every error is printed with its file and JSON Pointer, and nothing is written.
Loading the same files again writes nothing.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from chalicelib.reference import loader  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", help="folder with organisation.json, programs.json, targets.json, users.json")
    parser.add_argument("--dry-run", action="store_true", help="validate and count changes, write nothing")
    args = parser.parse_args(argv)
    try:
        docs = loader.read_directory(args.directory)
    except loader.LoadError as error:
        print(f"Refused: {len(error.places)} error(s); nothing was written.", file=sys.stderr)
        for file, pointer, message in error.places:
            print(f"  {file}#{pointer}: {message}", file=sys.stderr)
        return 1
    report = loader.load(docs, dry_run=args.dry_run)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
