"""The HTTP layer: ``create_app(settings)`` builds the FastAPI app (see ``assist.api.app``)."""

from assist.api.app import create_app

__all__ = ["create_app"]
