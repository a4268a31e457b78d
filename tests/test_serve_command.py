"""The README's `make serve` runs a datasette command that really serves the site."""

import shlex
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def serve_command():
    recipe = subprocess.run(
        ["make", "--no-print-directory", "-n", "serve"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")
    (line,) = [line for line in recipe.splitlines() if "datasette serve" in line]
    return shlex.split(line)


def test_make_serve_command_serves_the_site(seeds_db):
    command = serve_command()
    assert Path(command[0]).name == "datasette"
    assert command[1:4] == ["serve", "-i", "relations.db"]
    assert "--metadata" in command and "--plugins-dir" in command
    # Same command on the test database, with the datasette installed beside the Python
    # the tests run on (make's is .venv's); --get answers one request without a server.
    command[0] = str(Path(sys.executable).with_name("datasette"))
    command[3] = str(seeds_db)
    result = subprocess.run(
        [*command, "--get", "/-/country/KAZ"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Kazakhstan" in result.stdout and "22 January 1992" in result.stdout
