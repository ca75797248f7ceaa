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
        "notebook", "docs", "advise", "inspect",
    ])


def test_docs_public_surface() -> None:
    import pgprobe.docs

    assert sorted(pgprobe.docs.__all__) == sorted([
        "DEFAULT_REQUIRE", "REQUIREMENTS", "Docs", "DocsCheck", "Drift", "LintConfig", "MissingComment",
        "Page",
        "WriteResult", "check_docs", "lint_comments",
    ])


def test_readme_commands_exist_in_makefile() -> None:
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("demo", "test"):
        assert f"make {target}" in readme
        assert f"\n{target}:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_license_is_an_spdx_string_with_the_gpl_text_shipped() -> None:
    """A license table draws setuptools deprecation warnings; the SPDX form and license-files
    do not (setuptools >= 77), and the file they name is the GPL v3 text."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = pyproject["project"]
    assert project["license"] == "GPL-3.0-or-later"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text
    assert "setuptools>=77" in pyproject["build-system"]["requires"]


def test_readme_checks_for_node_before_installing_debian_nodejs() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "command -v node >/dev/null || sudo apt-get install nodejs npm" in readme
    assert "command -v node" in (ROOT / ".ci" / "run").read_text()
    # every apt package .ci/run may install is named in the README
    ci = (ROOT / ".ci" / "run").read_text()
    import re

    for package in set(re.findall(r"need\+=\(([^)]*)\)", ci)):
        for name in package.split():
            assert name in readme, f"{name} is installed by .ci/run but not named in README"
