"""Build the ASGI app: middleware, routers, static mounts. Nothing else lives here."""

from fastapi import FastAPI

from app import __version__
from app.web import mount_page


def create_app() -> FastAPI:
    app = FastAPI(title="backprop-viz", version=__version__)

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    mount_page(app)
    return app


app = create_app()
