"""policykg service: the CLI and the HTTP service over the store. Imports ingest, never the reverse.

Its public API is the `__all__` of the modules in PUBLIC_MODULES: the `policykg` command
(`service.cli`), the ASGI application (`service.app.create_app`) and its settings
(`service.config`). Of ingest it imports only ingest's public API (ingest.PUBLIC_MODULES).
"""

PUBLIC_MODULES = ("service.app", "service.cli", "service.config")
