"""The project's declarations agree with each other, and the public surface is pinned."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

import pgprobe

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    for sep in "<>=![; ":
        requirement = requirement.split(sep)[0]
    return requirement.strip().lower()


def test_environment_yml_declares_the_runtime_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {r.lower().replace(" ", "") for r in project["dependencies"]}
    declared |= {r.lower().replace(" ", "") for r in project["optional-dependencies"]["notebook"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {p.lower().replace(" ", "") for p in pip if not p.startswith("-e")}
    assert listed == declared, f"only in pyproject: {declared - listed}; only in env: {listed - declared}"
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert any(_name(d) == "graphviz" for d in conda), "conda's graphviz provides `dot`"
    assert any(_name(d) == "python" for d in conda)


def test_lower_bounds_are_pinned() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    every = project["dependencies"] + [r for extra in project["optional-dependencies"].values()
                                       for r in extra]
    assert all(">=" in r for r in every), [r for r in every if ">=" not in r]


def test_public_surface() -> None:
    assert sorted(pgprobe.__all__) == sorted([
        "CatalogError", "ConnectError", "DependencyError", "InputError", "NotFoundError",
        "PgprobeError", "Probe", "ProbeQueryError", "ServerError", "Snapshot", "connect",
        "snapshot", "load_ipython_extension", "demo", "embedded", "diff", "DiffReport",
        "expect", "erd", "postgrest", "endpoint", "relationships", "types", "lint", "migrations",
        "notebook", "inspect",
    ])


def test_readme_commands_exist_in_makefile() -> None:
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("demo", "test"):
        assert f"make {target}" in readme
        assert f"\n{target}:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()
