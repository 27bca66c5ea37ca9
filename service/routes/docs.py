"""`/docs` and `/redoc`: the OpenAPI description read with Swagger UI and ReDoc served from
service/static/vendor, so that both work on a network without the internet (FastAPI's own pages
load them from a CDN, with an inline script)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from service.pages import html

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
async def swagger_ui() -> HTMLResponse:
    return html("docs.html", active="/docs")


@router.get("/redoc", response_class=HTMLResponse)
async def redoc() -> HTMLResponse:
    """ReDoc's bundle shows a logo from its vendor's CDN: the service's Content-Security-Policy
    (service/middleware.py) keeps this page's images on the service, as every page's."""
    return html("redoc.html", active="/docs")
