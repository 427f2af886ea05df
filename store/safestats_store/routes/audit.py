"""The audit log over HTTP (/audit), for administrators: store admins see everything, an
organisation's admins their own organisation."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .. import audit, errors
from .deps import json_response, limit_offset, params, read, store

router = APIRouter()


@read(router, "/audit")
def audit_log(request: Request) -> Response:
    s = store(request)
    p = s.principal(request)
    if p.role not in ("store_admin", "org_admin"):
        raise errors.Forbidden("Only administrators can read the audit log.")
    limit, offset = limit_offset(params(request))
    total, entries = audit.listing(s.engine, None if p.role == "store_admin" else p.org_id, limit, offset)
    return json_response({"total": total, "entries": entries})
