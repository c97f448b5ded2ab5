"""Presenters: a claim as a W3C Web Annotation, as schema.org ClaimReview, as a CSV row.

Pure functions of plain records (records.py), with no HTTP and no database: the API, the protocol
container, the public claim page and the `export_annotations` command all call them.
"""
