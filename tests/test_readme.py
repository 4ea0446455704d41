"""The README's state diagram is the machine table's: change one and this fails until the other follows."""

from __future__ import annotations

import re
from pathlib import Path

from app.wishes.machine import mermaid


def test_readme_diagram_is_generated_from_the_table() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- machine:start -->\n```mermaid\n(.*?)\n```\n<!-- machine:end -->", readme, re.S)
    assert block is not None, "README.md lost its machine diagram markers"
    assert block.group(1) == mermaid(), "README diagram differs from app/wishes/machine.py: paste `xinyuan diagram`"


def test_readme_joint_and_star_diagrams_are_the_tables() -> None:
    from app.joint.machine import mermaid as joint_mermaid
    from app.stars.machine import mermaid as stars_mermaid

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name, diagram in (("joint", joint_mermaid()), ("stars", stars_mermaid())):
        block = re.search(
            rf"<!-- {name}-machine:start -->\n```mermaid\n(.*?)\n```\n<!-- {name}-machine:end -->", readme, re.S
        )
        assert block is not None, f"README.md lost its {name} diagram markers"
        assert block.group(1) == diagram, f"README's {name} diagram differs from app/{name}/machine.py"
