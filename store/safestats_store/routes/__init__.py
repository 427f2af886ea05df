"""The HTTP routes, one ``APIRouter`` module per concern; :mod:`safestats_store.app` includes them.

* ``deps``: what every route shares (the app's Store, the caller, their grants, audit, helpers)
* ``features``: OGC API - Features and the SafeStats /count and /aggregates; ``describe``: the
  documents those routes return (conformance, landing page, collections, queryables)
* ``auth``: conditions, sign-in, session; ``admin``: users; ``audit``: the audit log
* ``plugin_repo``: the QGIS plugin repository (no sign-in)
"""
