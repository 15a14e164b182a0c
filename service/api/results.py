"""GET /v1/results/{id}: a stored response by its id, the permalink the page opens as /?id=...

Served from the results cache only; nothing is recomputed. The response is the one
POST /v1/summarize returned, with `document.text` filled in when the article text was stored
with it (results made through the page, /v1/summarize/stream or /v1/batch), so a caller can draw
the highlighted article from this one document.
"""
from __future__ import annotations

import json
import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..errors import ClaimTraceError

router = APIRouter()
_ID = re.compile(r"^[0-9a-f]{64}$")


class NotFound(ClaimTraceError):
    status, code = 404, "not_found"


@router.get(
    "/v1/results/{result_id}",
    summary="A stored result by its response id (from the results cache)",
    responses={200: {"description": "the stored /v1/summarize response"},
               404: {"description": "no stored result with this id"}},
)
def result(result_id: str, request: Request) -> Response:
    cache = request.app.state.claimtrace.cache
    found = cache.by_id(result_id) if cache is not None and _ID.match(result_id) else None
    if found is None:
        raise NotFound(f"no stored result with id {result_id[:80]!r}; results are kept in the cache "
                       "for a while after they are made, then evicted")
    body, text = found
    if text is not None:
        data = json.loads(body)
        if data.get("document", {}).get("text") is None:
            data["document"]["text"] = text
            body = json.dumps(data, ensure_ascii=False)
    return Response(content=body, media_type="application/json", headers={"Cache-Control": "no-cache"})
