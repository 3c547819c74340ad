"""Sphinx configuration for the mynn companion website.

The notebooks are rendered from their committed outputs (``nb_execution_mode = "off"``):
CI proves those outputs with nbval, the site only shows them. Everything a page loads
(MathJax, the JavaScript that draws saved ipywidgets) is served from the site itself, so it
reads the same with no internet connection; ``scripts/vendor_web_assets.py`` fetches those
files from npm and ``docs/_static/vendor/MANIFEST.json`` records what they are.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS))
sys.path.insert(0, str(ROOT))

import notebook_pages  # noqa: E402  (docs/notebook_pages.py)

project = "mynn"
author = "the mynn developers"
copyright = "the mynn developers; the books are by Tariq Rashid"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
]

# The notebooks live in ../notebooks; a copy is placed in docs/notebooks for Sphinx.
notebook_pages.copy_notebooks(ROOT / "notebooks", DOCS / "notebooks")
notebook_pages.write_landing_map(DOCS / "notebooks", DOCS / "_generated" / "notebook_map.md")
shutil.copyfile(ROOT / "benchmarks" / "RESULTS.md", DOCS / "_generated" / "benchmark_results.md")

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}

# myst-nb: show what is committed, never execute.
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
# Local copies instead of the CDN defaults; see docs/_static/vendor/MANIFEST.json.
nb_ipywidgets_js = {
    "vendor/require.js": {},
    "widgets_offline.js": {},
    "vendor/embed-amd.js": {"data-jupyter-widgets-cdn": "../_static/vendor/npm/"},
}
mathjax_path = "vendor/mathjax/tex-chtml.js"

# API reference from the numpy-style docstrings.
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_mock_imports: list[str] = []
napoleon_google_docstring = False
napoleon_numpy_docstring = True

html_theme = "sphinx_book_theme"
html_title = "mynn: Make Your Own Neural Network, runnable"
html_static_path = ["_static"]
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "home_page_in_toc": True,
}
html_show_sourcelink = False
# An explicit colour mode (the theme logs a console error when it has none).
html_context = {"default_mode": "light"}
html_favicon = "_static/favicon.svg"
