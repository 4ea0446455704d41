"""`app/wechat/` is the WeChat client and its fake: it knows nothing of wishes (what a content check's verdict
does to a wish is app/wishes/moderation.py's business), so nothing under it imports from `app.wishes`."""

from __future__ import annotations

import ast
from pathlib import Path

import app

WECHAT = Path(app.__file__).parent / "wechat"


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return names


def test_wechat_imports_nothing_from_wishes() -> None:
    files = sorted(WECHAT.rglob("*.py"))
    assert files
    found = {f.name: sorted(n for n in _imported(f) if n == "app.wishes" or n.startswith("app.wishes.")) for f in files}
    assert {name: mods for name, mods in found.items() if mods} == {}
