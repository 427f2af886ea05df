"""PYQGIS_STARTUP hook for tests/test_package.py: runs in real QGIS before any plugin loads.

When a plugin fails, QGIS logs the traceback ("Python error" in the message log) and then opens a
MODAL stack-trace dialog, which would block an unattended QGIS until the test times out.  This
hook keeps the log entry and replaces only the dialog: the text goes to ``$SAFESTATS_DIALOGS``
(one JSON line per dialog) so the check script can report it and QGIS keeps running.
"""
import json
import os
import traceback

import qgis.utils

_DIALOGS = os.environ.get("SAFESTATS_DIALOGS", "")


def _record_instead_of_dialog(type_, value, tb, msg, pop_error=True):  # noqa: ARG001 - QGIS signature
    entry = {"message": str(msg), "error": "".join(traceback.format_exception(type_, value, tb))}
    if _DIALOGS:
        with open(_DIALOGS, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")


qgis.utils.open_stack_dialog = _record_instead_of_dialog
