"""Static files for production: hashed names (cached for a year), compressed copies, and ES module imports
rewritten to the hashed names too, so the editor's modules never load twice or go stale."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
