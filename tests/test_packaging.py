"""Packaging: environment.yml matches pyproject.toml, and `import mynn` stays light."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += [r for r in extra if not r.startswith("mynn[")]
    return dict(_split(r) for r in requirements)


def conda_requirements() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pairs = dict(_split(d) for d in environment["dependencies"] if isinstance(d, str))
    pairs.pop("python"), pairs.pop("pip")
    return {CONDA_NAMES.get(name, name): spec for name, spec in pairs.items()}


def test_environment_yml_matches_pyproject():
    assert conda_requirements() == pyproject_requirements()


def test_all_extra_covers_every_extra():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    named = set(re.findall(r"[a-z]+", extras["all"][0].split("[", 1)[1]))
    assert named == set(extras) - {"all"}


def test_import_mynn_does_not_import_torch():
    code = "import mynn, mynn.datasets, mynn.network, mynn.cli, sys; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_every_notebook_is_listed_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert notebook.name in readme, (
            f"{notebook.name} is missing from README.md's notebook table"
        )


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, flags=re.S)
    test_command = [c.strip() for c in commands if "pytest" in c][0]
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_command in ci_lines


def test_the_tree_is_ruff_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


# ---------------------------------------------------------------------------- issue 18


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_version_comes_from_the_package_metadata():
    """`mynn.__version__` and `python -m mynn --version` say pyproject.toml's version, the
    one place it is written (through the metadata when installed, else pyproject.toml)."""
    import mynn

    assert mynn.__version__ == _project()["version"]
    result = subprocess.run(
        [sys.executable, "-m", "mynn", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"mynn {_project()['version']}"
    version_files = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "mynn").rglob("*.py")
        if re.search(r"""__version__\s*=\s*["']""", path.read_text())
    ]
    assert version_files == [], f"a literal version outside pyproject.toml: {version_files}"


def test_version_without_metadata_reads_pyproject(monkeypatch):
    """A source tree used through PYTHONPATH has no metadata: the fallback reads the same
    pyproject.toml, and says 'unknown' rather than guess when metadata says nothing."""
    from importlib import metadata

    from mynn import _version

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    assert _version.package_version() == _project()["version"]


def test_requires_python_is_what_is_tested():
    """requires-python claims only what CI runs (3.11: the tests use tomllib), the
    interpreter running the tests satisfies it, and environment.yml says the same."""
    spec = _project()["requires-python"]
    floor = tuple(int(part) for part in re.fullmatch(r">=(\d+)\.(\d+)", spec).groups())
    assert floor == (3, 11)
    assert sys.version_info[:2] >= floor
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{spec}" in environment["dependencies"]


def test_every_bundled_data_file_is_package_data():
    """Each file under mynn/data/ matches a [tool.setuptools.package-data] pattern, so the
    wheel and the sdist carry it (a new sample must not be forgotten)."""
    import fnmatch

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["mynn"]
    files = [p.relative_to(ROOT / "mynn").as_posix() for p in (ROOT / "mynn" / "data").rglob("*")]
    files = [f for f in files if (ROOT / "mynn" / f).is_file()]
    assert len(files) >= 64  # 4 sample files and 60 pictures
    missing = [f for f in files if not any(fnmatch.fnmatch(f, p) for p in patterns)]
    assert missing == []


def test_no_code_reads_data_through_the_checkout():
    """The installed package must not depend on a clone: nothing in mynn/, the notebooks or
    the scripts reaches for the repository's data/ folder."""
    offenders = []
    for path in [*(ROOT / "mynn").rglob("*.py"), *(ROOT / "notebooks").glob("*.ipynb")]:
        text = path.read_text()
        if re.search(r"""(parent|\.\.)[^\n]{0,40}["']data["']|["']\.\./data""", text):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []


def test_ci_proves_the_wheel_and_installs_no_debian_package():
    """No Debian data package on the test path; the only apt package is the browser that the
    browser tests (website, drawing board) need, installed before the README's test command."""
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in ci.splitlines() if not line.strip().startswith("#")]
    assert not [line for line in commands if "dataset-" in line]
    installs = [line for line in commands if "apt-get install" in line]
    packages = {
        word
        for line in installs
        for word in re.split(r"[;}]", line.split("apt-get install", 1)[1])[0].split()
        if not word.startswith("-")
    }
    assert packages <= {"chromium"}, installs
    assert ".ci/wheel_check.sh" in commands
    readme = (ROOT / "README.md").read_text()
    assert "## Use it without cloning" in readme and ".ci/wheel_check.sh" in readme
    check = (ROOT / ".ci" / "wheel_check.sh").read_text()
    for command in (
        "python -m mynn train --no-progress",
        "python -m mynn train --data fashion-sample --epochs 1",
        'python -m mynn predict "$picture"',
        "python -m mynn --version",
        "--nbval",
        "00_start_here.ipynb 05_inside_the_network.ipynb",
        "unset PYTHONPATH",
    ):
        assert command in check, command


def test_notebooks_carry_no_nbval_comments():
    """Test plumbing uses nbval's cell tags, never comments a reader sees (and every title
    carries the notebook's number)."""
    import json

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                first = "".join(cell["source"]).lstrip().splitlines()[:1]
                assert not (first and first[0].lstrip("# ").startswith("NBVAL")), (
                    f"{path.name}: a cell starts with an NBVAL comment; use a cell tag"
                )
        title = "".join(cells[0]["source"]).splitlines()[0]
        assert title.startswith(f"# {path.name[:2]} · "), f"{path.name}: title {title!r}"
