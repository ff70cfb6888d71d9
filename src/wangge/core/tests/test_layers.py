"""Layers point down: the import-linter contract in pyproject.toml holds, and it is really checked.

core and audit know no domain; accounts and grid know core; people knows grid; the epidemic apps
know people and grid; the project modules (urls, api, cli) and the demo know everything.  A lower
app tells a higher one what happened through a hook (``core.hooks``), never by importing it, and
an import tucked inside a function counts like any other.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
SRC = ROOT / "src"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=SRC, capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(SRC), "PATH": ""},
    )


def test_the_layer_contract_is_kept():
    result = lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Layers point down KEPT" in result.stdout


def test_an_upward_import_breaks_a_layer_contract(tmp_path):
    # The same tool on a contract the code cannot keep (grid imports core, so core cannot sit above
    # grid): proves the linter sees the imports rather than passing an empty graph.
    config = tmp_path / "upside_down.toml"
    config.write_text(textwrap.dedent("""
        [tool.importlinter]
        root_package = "wangge"

        [[tool.importlinter.contracts]]
        name = "Upside down"
        type = "layers"
        containers = ["wangge"]
        layers = ["core", "grid"]
    """))
    result = lint_imports(config)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "wangge.grid is not allowed to import wangge.core" in result.stdout
