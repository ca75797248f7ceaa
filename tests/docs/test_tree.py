"""The docs tree on disk: byte-identical runs, incremental rewrites, `docs check` against a
database that drifted, CHANGELOG from an older snapshot, `docs lint`, the HTML site's links."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import psycopg
import pytest

from pgprobe.catalog import Snapshot, snapshot
from pgprobe.cli import main
from pgprobe.docs import Docs, check_docs, lint_comments


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _execute(dsn: str, statement: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def test_two_runs_give_identical_bytes(demo_snapshot: Snapshot, tmp_path: Path) -> None:
    snap_file = tmp_path / "snap.json"
    demo_snapshot.save(snap_file)
    for out in ("a", "b"):
        assert main(["docs", "--snapshot", str(snap_file), "-o", str(tmp_path / out)]) == 0
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a == b
    assert "README.md" in a and "tables/public.tickets.md" in a
    assert "diagrams/tables/public.tickets.svg" in a and b"<svg" in a["diagrams/schemas/public.svg"]
    assert not re.search(rb"20\d\d-\d\d-\d\d", a["README.md"])  # no timestamp unless asked


def test_rewrites_only_pages_whose_tables_changed(scratch_demo_dsn: str, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    first = Docs(snapshot(scratch_demo_dsn)).write(out)
    assert first.rendered > 0 and not first.removed
    _execute(scratch_demo_dsn, "COMMENT ON COLUMN public.labels.name IS 'Shown on the ticket.'")
    again = Docs(snapshot(scratch_demo_dsn)).write(out)
    assert again.written == ["tables/public.labels.md"]
    assert again.rendered == 0 and again.unchanged > 10
    _execute(scratch_demo_dsn, "DROP TABLE public.monitoring_events")
    third = Docs(snapshot(scratch_demo_dsn)).write(out)
    assert "tables/public.monitoring_events.md" in third.removed
    assert "diagrams/tables/public.monitoring_events.svg" in third.removed
    assert "tables/public.tickets.md" not in third.written
    assert not (out / "tables/public.monitoring_events.md").exists()


def test_check_passes_fresh_and_fails_after_alter_table(scratch_demo_dsn: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "schema"
    assert main(["docs", "build", "--dsn", scratch_demo_dsn, "-o", str(out)]) == 0
    assert main(["docs", "check", str(out), "--dsn", scratch_demo_dsn]) == 0
    assert "match the database" in capsys.readouterr().out
    _execute(scratch_demo_dsn, "ALTER TABLE public.tickets ADD COLUMN due_date date")
    assert main(["docs", "check", str(out), "--dsn", scratch_demo_dsn]) == 1
    report = capsys.readouterr().out
    assert "changed  tables/public.tickets.md" in report
    assert "`due_date`" in report  # the differing line of the page
    assert "tables/public.users.md" not in report
    result = check_docs(out, snapshot(scratch_demo_dsn))
    assert not result.ok and {d.path for d in result.drift} >= {"tables/public.tickets.md"}


def test_check_notices_hand_edits_and_errors_are_exit_2(demo_snapshot: Snapshot, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "schema"
    Docs(demo_snapshot, diagrams=False).write(out)
    assert check_docs(out, demo_snapshot).ok
    page = out / "tables/public.users.md"
    page.write_text(page.read_text() + "\nhand-written note\n")
    result = check_docs(out, demo_snapshot)
    assert [(d.path, d.status) for d in result.drift] == [("tables/public.users.md", "edited")]
    snap_file = tmp_path / "snap.json"
    demo_snapshot.save(snap_file)
    assert main(["docs", "check", str(tmp_path / "nowhere"), "--snapshot", str(snap_file)]) == 2
    assert "no docs directory" in capsys.readouterr().err


def test_changelog_since_an_older_snapshot(scratch_demo_dsn: str, tmp_path: Path) -> None:
    before = snapshot(scratch_demo_dsn)
    _execute(scratch_demo_dsn, "ALTER TABLE public.tickets ADD COLUMN due_date date")
    docs = Docs(snapshot(scratch_demo_dsn), since=before, since_label="v1", diagrams=False)
    docs.write(tmp_path)
    changelog = (tmp_path / "CHANGELOG.md").read_text()
    assert "## [`public.tickets`](tables/public.tickets.md)" in changelog
    assert "due_date" in changelog and "column added" in changelog
    assert "[CHANGELOG](CHANGELOG.md)" in (tmp_path / "README.md").read_text()
    assert check_docs(tmp_path, docs.snapshot).ok  # the changelog is not part of the check


def test_lint_lists_missing_comments(demo_snapshot: Snapshot, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    found = {(f.kind, f.name) for f in lint_comments(demo_snapshot)}
    assert ("table", "public.tickets") in found
    assert ("table", "public.users") not in found  # COMMENT ON TABLE public.users in the demo
    assert ("column", "public.tickets.description") in found
    assert ("column", "public.tickets.title") not in found  # commented
    tables_only = lint_comments(demo_snapshot, require=["tables"], exclude=["public.ticket*"])
    assert {f.kind for f in tables_only} <= {"table", "view"}
    assert not any(f.name.startswith("public.ticket") for f in tables_only)
    snap_file = tmp_path / "snap.json"
    demo_snapshot.save(snap_file)
    assert main(["docs", "lint", "--snapshot", str(snap_file), "--require", "tables"]) == 1
    assert "COMMENT ON TABLE public.tickets" in capsys.readouterr().out
    assert main(["docs", "lint", "--snapshot", str(snap_file), "--require", "nonsense"]) == 2
    config = tmp_path / "docs.yml"
    config.write_text("lint:\n  require: [columns]\n  exclude: ['public.*']\n")
    assert main(["docs", "lint", "--snapshot", str(snap_file), "--config", str(config)]) == 0
    config.write_text("lint:\n  require: [columns]\n  exclude: ['public.*.*']\n")
    capsys.readouterr()
    assert main(["docs", "lint", "--snapshot", str(snap_file), "--config", str(config),
                 "--require", "tables"]) == 1
    assert "COMMENT ON TABLE public.tickets" in capsys.readouterr().out
    config.write_text("lint: [tables]\n")
    assert main(["docs", "lint", "--snapshot", str(snap_file), "--config", str(config)]) == 2


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value and "://" not in value and not value.startswith("#"):
                self.links.append(value)


def test_html_site_links_resolve(demo_snapshot: Snapshot, tmp_path: Path) -> None:
    Docs(demo_snapshot).write(tmp_path, format="html")
    pages = sorted(tmp_path.rglob("*.html"))
    assert (tmp_path / "index.html") in pages and (tmp_path / "tables/public.tickets.html") in pages
    checked = 0
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text())
        for link in parser.links:
            target = (page.parent / unquote(link.split("#")[0])).resolve()
            assert target.exists(), f"{page.relative_to(tmp_path)} links to missing {link}"
            checked += 1
    assert checked > 100
    tickets = (tmp_path / "tables/public.tickets.html").read_text()
    assert '<figure class="diagram">' in tickets and "<svg" in tickets
    assert ".md\"" not in tickets
    assert check_docs(tmp_path, demo_snapshot).ok


def test_unknown_schema_is_an_error_with_a_hint(demo_snapshot: Snapshot) -> None:
    from pgprobe import NotFoundError

    with pytest.raises(NotFoundError, match="did you mean public"):
        Docs(demo_snapshot, schemas=["pubic"])


def test_forked_workers_write_the_same_tree(demo_snapshot: Snapshot, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from pgprobe.docs import _output

    Docs(demo_snapshot).write(tmp_path / "one", jobs=1)
    monkeypatch.setattr(_output, "PARALLEL_MIN", 1)
    result = Docs(demo_snapshot).write(tmp_path / "two", jobs=2)
    assert result.rendered == 11  # ten focus diagrams and the schema's
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
