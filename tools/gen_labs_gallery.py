"""Regenerate docs/labs.md and its figures (docs/labs/*.png) by running every lab.

    python tools/gen_labs_gallery.py
"""

from __future__ import annotations

import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from chainrule.labs import LABS, run  # noqa: E402
from chainrule.labs.report import save_figures  # noqa: E402


def _text(html: str) -> str:
    """The explanation as Markdown-ish text."""
    s = re.sub(r"</?p>", "", html)
    s = re.sub(r"</?code>", "`", s)
    s = re.sub(r"<sub>(.*?)</sub>", r"_\1", s)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def main() -> None:
    out = os.path.join(ROOT, "docs", "labs")
    parts = ["# The labs: a gallery", "",
             "Each lesson of the seed program as figures and a table, made by `chainrule lab NAME --out DIR` "
             "(`chainrule lab all --out DIR` also writes a self-contained `index.html`). Every lab is a Python "
             "function returning its numbers and matplotlib figures: `chainrule.labs.run(NAME, **settings)`. "
             "Regenerate this page with `python tools/gen_labs_gallery.py`.", ""]
    for name in LABS:
        t0 = time.process_time()
        r = run(name)
        seconds = time.process_time() - t0
        paths = [p for p in save_figures(r, out) if p.endswith(".png")]
        parts += [f"## `{name}` — {r.title}", "", _text(r.explanation), ""]
        parts += [f"![{os.path.basename(p)}](labs/{os.path.basename(p)})" for p in paths]
        parts += ["", r.table.to_markdown(), "", f"*`chainrule lab {name}` — {seconds:.1f} s of CPU time here.*", ""]
        print(f"{name}: {seconds:.1f} s", flush=True)
    with open(os.path.join(ROOT, "docs", "labs.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts))


if __name__ == "__main__":
    main()
