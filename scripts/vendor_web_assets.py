"""Fetch the JavaScript the website serves itself, from the npm registry.

The site must read the same with no internet connection, so nothing is loaded from a CDN:
RequireJS and Jupyter's widget HTML manager (which draw the saved ipywidgets) and MathJax
(which renders the equations) are copied into ``docs/_static/vendor/``. This script
downloads each pinned package with ``npm pack``, checks the tarball against the
registry's integrity hash, copies only the files the site loads, and writes
``docs/_static/vendor/MANIFEST.json`` (package, version, integrity, licence, and the
SHA-256 of every copied file). The copies are committed; ``tests/test_website.py`` checks
them against the manifest.

Usage: python scripts/vendor_web_assets.py   (needs node's npm and the npm registry)
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "docs" / "_static" / "vendor"

# package, version, licence, {path inside the package: path under vendor/} (globs allowed)
PACKAGES = [
    ("requirejs", "2.3.8", "MIT", {"require.js": "require.js"}),
    (
        "@jupyter-widgets/html-manager",
        "1.0.15",
        "BSD-3-Clause",
        {
            "dist/embed-amd.js": "embed-amd.js",
            "dist/embed.js.LICENSE.txt": "embed-amd.js.LICENSE.txt",
            "dist/*.woff2": "",
            "dist/*.woff": "",
        },
    ),
    (
        "mathjax",
        "3.2.2",
        "Apache-2.0",
        {
            "LICENSE": "mathjax/LICENSE",
            "es5/tex-chtml.js": "mathjax/tex-chtml.js",
            "es5/output/chtml/fonts/woff-v2/*": "mathjax/output/chtml/fonts/woff-v2/",
            "es5/input/tex/extensions/*": "mathjax/input/tex/extensions/",
            "es5/ui/*": "mathjax/ui/",
        },
    ),
]


LICENSES = """# Licences of the vendored files

These files are copied unchanged from the npm packages named in MANIFEST.json by
scripts/vendor_web_assets.py.

- requirejs 2.3.8 (require.js): MIT licence; the licence notice is at the top of require.js
  (Copyright jQuery Foundation and other contributors).
- @jupyter-widgets/html-manager 1.0.15 (embed-amd.js and its font files): BSD 3-Clause licence,
  Copyright (c) 2015 Project Jupyter Contributors (https://github.com/jupyter-widgets/ipywidgets,
  LICENSE). The licences of the libraries bundled into embed-amd.js are listed in
  embed-amd.js.LICENSE.txt.
- mathjax 3.2.2 (mathjax/): Apache License 2.0, text in mathjax/LICENSE.
- ipycanvas (ipycanvas/index.js, from the Python package's share/jupyter/nbextensions): BSD
  3-Clause licence, Copyright (c) Martin Renou; bundled licences in index.js.LICENSE.txt.
"""


# Widget libraries whose JavaScript is taken from their installed Python package (the
# AMD bundle it ships for the classic notebook), so it matches the Python side that saved
# the widget state: package, file inside the environment's share/jupyter, vendor path.
PYTHON_PACKAGES = [
    ("ipycanvas", "nbextensions/ipycanvas/index.js", "ipycanvas/index.js"),
    ("ipycanvas", "nbextensions/ipycanvas/index.js.LICENSE.txt", "ipycanvas/index.js.LICENSE.txt"),
]


def copy_from_python_packages() -> list[dict]:
    """Copy the widget bundles listed in PYTHON_PACKAGES from this environment."""
    from importlib.metadata import version

    share = Path(sys.prefix) / "share" / "jupyter"
    entries: dict[str, dict] = {}
    for package, source, target in PYTHON_PACKAGES:
        src = share / source
        if not src.exists():
            raise RuntimeError(f"{src} is missing: pip install {package}")
        dest = VENDOR / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        entry = entries.setdefault(
            package,
            {"name": package, "version": version(package), "license": "BSD-3-Clause",
             "source": "PyPI wheel, share/jupyter", "files": {}},
        )
        entry["files"][str(dest.relative_to(VENDOR))] = sha256(dest)
    return list(entries.values())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def npm_pack(spec: str, workdir: Path) -> tuple[Path, str]:
    """Download ``spec`` with ``npm pack``; return the tarball and its sha512 integrity."""
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    info = json.loads(out.stdout)[0]
    tarball = workdir / info["filename"]
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if info["integrity"] != f"sha512-{digest}":
        raise RuntimeError(f"{spec}: tarball does not match the registry's integrity hash")
    return tarball, info["integrity"]


def copy_selected(package_dir: Path, selection: dict[str, str]) -> list[Path]:
    copied = []
    members = [p for p in package_dir.rglob("*") if p.is_file()]
    for pattern, target in selection.items():
        matches = [p for p in members if fnmatch.fnmatch(str(p.relative_to(package_dir)), pattern)]
        if not matches:
            raise RuntimeError(f"{package_dir.name}: nothing matches {pattern}")
        for src in matches:
            if target == "" or target.endswith("/"):
                rel = src.relative_to(package_dir)
                # keep the sub-path below the pattern's directory (MathJax's extensions tree)
                base = Path(pattern).parent
                dest = VENDOR / target / rel.relative_to(base)
            else:
                dest = VENDOR / target
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            copied.append(dest)
    return copied


def main() -> int:
    if shutil.which("npm") is None:
        print("npm is needed (Node.js): https://nodejs.org", file=sys.stderr)
        return 1
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    manifest = {"packages": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, version, licence, selection in PACKAGES:
            tarball, integrity = npm_pack(f"{name}@{version}", tmp)
            unpacked = tmp / tarball.stem
            with tarfile.open(tarball) as tar:
                tar.extractall(unpacked, filter="data")
            files = copy_selected(unpacked / "package", selection)
            manifest["packages"].append(
                {
                    "name": name,
                    "version": version,
                    "license": licence,
                    "integrity": integrity,
                    "files": {str(f.relative_to(VENDOR)): sha256(f) for f in sorted(files)},
                }
            )
    manifest["packages"] += copy_from_python_packages()
    (VENDOR / "LICENSES.md").write_text(LICENSES)
    (VENDOR / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {VENDOR.relative_to(ROOT)}: " + ", ".join(f"{p['name']}@{p['version']}" for p in manifest["packages"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
