"""Replace the body of one README section (between its ``<!-- SECTION:name -->`` marker and
the next marker) with the contents of a file.

Run: ``python tools/readme_section.py NAME FILE``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def replace_section(text: str, name: str, body: str) -> str:
    """Return *text* with section *name* replaced by *body*."""
    pattern = re.compile(rf"(<!-- SECTION:{name} -->\n)(.*?)(?=<!-- SECTION:|\Z)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"no section {name!r} in README.md")
    return pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + "\n\n", text, count=1)


def main() -> None:
    name, path = sys.argv[1], sys.argv[2]
    README.write_text(replace_section(README.read_text(), name, Path(path).read_text()))


if __name__ == "__main__":
    main()
