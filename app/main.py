"""Build the ASGI app: middleware, routers, static mounts. Nothing else lives here."""

from fastapi import FastAPI

from app import __version__


def create_app() -> FastAPI:
    app = FastAPI(title="backprop-viz", version=__version__)

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
