"""Sphinx configuration for skdae's documentation."""

from importlib.metadata import version as _version

project = "skdae"
author = "skdae developers"
copyright = "2026, skdae developers"
release = _version("skdae")
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = [
    "_build",
    "benchmarks/results.md",
    "benchmarks/value.md",
    "benchmarks/transform.md",
    "benchmarks/impute.md",
    "benchmarks/tabular.md",
    "benchmarks/impute_real.md",
    "benchmarks/grouped_loss.md",
    "benchmarks/tabular_rerun.md",
    "benchmarks/tabular_controls.md",
    "auto_examples/*.ipynb",
]
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_validation_checks = set()
# Inherited scikit-learn docstrings use :term: and :ref: targets that exist
# only in scikit-learn's own documentation.
suppress_warnings = ["ref.term", "ref.ref"]
nitpicky = False

intersphinx_mapping = {}  # offline builds: no inventories are fetched

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
}

html_theme = "pydata_sphinx_theme"
html_title = f"skdae {release}"
html_static_path = []
html_theme_options = {"navigation_with_keys": False}


def _noise_factor_table(app):
    """Rebuild the user guide's "Choosing noise_factor" table (about 30 s)."""
    import runpy
    from pathlib import Path

    here = Path(__file__).parent
    out = here / "generated" / "noise_factor_table.rst"
    out.parent.mkdir(exist_ok=True)
    script = runpy.run_path(str(here / "_scripts" / "noise_factor_table.py"))
    script["main"](out)


def _value_claims(app):
    """Check the "When does it help?" page's claims against its table."""
    import runpy
    from pathlib import Path

    script = Path(__file__).parent / "_scripts" / "value_claims.py"
    runpy.run_path(str(script))["check"]()


def setup(app):
    app.connect("builder-inited", _noise_factor_table)
    app.connect("builder-inited", _value_claims)
