"""Static files in production: hashed names, compressed, and ES module imports rewritten to those names."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage, with Django's rewriting of ``import … from "./x.js"`` switched on.

    The lesson room's scripts are ES modules that import each other by relative path; without the rewrite a
    page would load the hashed entry module but the unhashed modules it imports, which browsers may cache
    across a release.
    """

    support_js_module_import_aggregation = True
