"""Build the ASGI app: middleware, routers, static mounts. Nothing else lives here."""

from fastapi import FastAPI

from app import __version__
from app.api import install_api, lifespan
from app.api.docs import install_docs
from app.settings import Settings, get_settings
from app.web import mount_page


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(
        title="backprop-viz",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # served offline by install_docs
        redoc_url=None,
    )
    install_api(app, settings or get_settings())
    install_docs(app)

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    mount_page(app)
    return app


app = create_app()
