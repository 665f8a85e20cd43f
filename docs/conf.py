# SPDX-License-Identifier: BSD-3-Clause
"""Sphinx configuration: API reference from numpydoc docstrings, gallery from
``examples/``."""

import os

import skinit

project = "skinit"
author = "the skinit developers"
copyright = "2026, the skinit developers"
release = version = skinit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# an Examples section that imports matplotlib (every Display's) is run by the
# plot directive and shows its figure on the API page
numpydoc_use_plots = True
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
default_role = "literal"
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
html_theme = "alabaster"
html_static_path = []
templates_path = ["_templates"]

sphinx_gallery_conf = {
    "examples_dirs": os.path.join("..", "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
}
