"""The companion website: built with ``sphinx-build -W``, then read in a real browser.

The site is built from the committed notebooks into a temporary folder (``-W``: any
warning fails), served on 127.0.0.1, and every page is opened in headless Chromium
(Debian's ``chromium``, driven by Playwright). Every request to another host is aborted
and counted: the site must work with no internet connection. Without Chromium or
Playwright the browser tests skip with the reason, unless ``CI_REQUIRE_BROWSER=1``
(set by ``.ci/run``), where they fail instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from local_server import serve_folder

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "docs" / "_static" / "vendor"
CHROMIUM = Path(os.environ.get("MYNN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_NOTEBOOKS = {"10_convolution_sizes", "11_adversarial_gradient_descent"}


def _unavailable(reason: str):
    if os.environ.get("CI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CI_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def test_vendored_files_match_their_manifest():
    """The committed JavaScript is exactly what scripts/vendor_web_assets.py fetched."""
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    names = {p["name"] for p in manifest["packages"]}
    assert {"requirejs", "@jupyter-widgets/html-manager", "mathjax"} <= names
    for package in manifest["packages"]:
        for rel, digest in package["files"].items():
            data = (VENDOR / rel).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest, f"{rel} differs from the manifest"


def test_conf_loads_nothing_from_a_cdn():
    conf = (ROOT / "docs" / "conf.py").read_text()
    assert "nb_execution_mode = \"off\"" in conf
    for script in ("vendor/require.js", "vendor/embed-amd.js", "vendor/mathjax/tex-chtml.js"):
        assert script in conf
    assert "http" not in "".join(
        line for line in conf.splitlines() if not line.lstrip().startswith("#") and "\"\"\"" not in line
    ), "docs/conf.py names a remote URL"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    pytest.importorskip("sphinx", reason="the docs extra is not installed: pip install -e '.[docs]'")
    pytest.importorskip("myst_nb", reason="the docs extra is not installed: pip install -e '.[docs]'")
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "docs", str(out / "html"),
         "-d", str(out / "doctrees")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, f"sphinx-build -W failed:\n{build.stdout}\n{build.stderr}"
    return out / "html"


def test_site_has_every_page(site):
    assert (site / "index.html").exists()
    for name in NOTEBOOKS:
        assert (site / "notebooks" / f"{name}.html").exists(), f"no page for {name}"
    assert (site / "api.html").exists() and (site / "benchmarks.html").exists()
    assert (site / "running.html").exists()


@pytest.fixture(scope="module")
def server(site):
    with serve_folder(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        _unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Exception as exc:  # the reason a browser can't start varies by machine
            _unavailable(f"Chromium did not start: {exc}")
        yield chromium
        chromium.close()


def _open(browser, url: str) -> dict:
    """Load ``url``; return its status, console errors, outside requests and the page."""
    page = browser.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def route(r):
        if urlparse(r.request.url).hostname != "127.0.0.1":
            outside.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    page.route("**/*", route)
    response = page.goto(url, wait_until="networkidle")
    return {"page": page, "status": response.status, "errors": errors, "outside": outside}


def _expected_figures(name: str) -> int:
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    count = 0
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if any(kind.startswith("image/") for kind in out.get("data", {})):
                count += 1
    return count


@pytest.mark.parametrize("name", ["index", *(f"notebooks/{n}" for n in NOTEBOOKS)])
def test_page_renders_offline(browser, server, name):
    got = _open(browser, f"{server}/{name}.html")
    page = got["page"]
    try:
        assert got["status"] == 200
        images = page.eval_on_selector_all(
            "article img", "imgs => imgs.map(i => [i.src, i.complete && i.naturalWidth > 0])"
        )
        broken = [src for src, ok in images if not ok]
        assert not broken, f"images that did not load: {broken}"
        if name.startswith("notebooks/"):
            stem = name.split("/")[1]
            figures = [src for src, _ in images if "/_images/" in src]
            assert len(figures) == _expected_figures(stem), "figures on the page != figures in the notebook"
            if stem in WIDGET_NOTEBOOKS:
                page.wait_for_selector(".widget-slider, .widget-hslider", timeout=15000)
            if stem == "01_the_network":
                page.wait_for_selector("mjx-container", timeout=15000)
        assert not got["errors"], f"console errors: {got['errors']}"
        assert not got["outside"], f"requests outside the site: {got['outside']}"
    finally:
        page.close()


def test_api_page_documents_train_epoch(browser, server):
    got = _open(browser, f"{server}/api.html")
    try:
        assert got["status"] == 200
        assert got["page"].locator("[id='mynn.NeuralNetwork.train_epoch']").count() == 1
        assert not got["errors"] and not got["outside"]
    finally:
        got["page"].close()


def test_readme_and_ci_give_the_website_commands():
    """README's Website section gives the two commands exactly; .ci/run runs them."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Website", 1)[1].split("\n## ", 1)[0]
    commands = ['pip install -e ".[docs]"', "sphinx-build -W -b html docs docs/_build/html"]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    for command in commands:
        assert command in section
        assert command in ci
    assert "python -m http.server -d docs/_build/html" in section
