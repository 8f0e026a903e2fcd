"""The server's settings: one typed object read from `BPV_*` environment variables once."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Limits for everything a user controls; `/api/catalog` shows them all."""

    model_config = SettingsConfigDict(env_prefix="BPV_", frozen=True)

    max_layers: int = Field(8, ge=2, description="entries of `layers`, the input layer included")
    max_units: int = Field(1024, ge=1, description="units in any one layer")
    max_parameters: int = Field(300_000, ge=1, description="weights and biases of a network")
    max_tensor_elements: int = Field(1_000_000, ge=1, description="elements of any one tensor")
    max_examples: int = Field(2000, ge=1, description="example columns in a request")
    max_steps_per_request: int = Field(10_000, ge=1, description="`steps` of one step command")
    max_step_work: float = Field(
        4e9, gt=0, description="steps x parameters x batch examples of one step command"
    )
    max_gradcheck_parameters: int = Field(2000, ge=1, description="parameters a gradcheck probes")
    max_gradcheck_examples: int = Field(200, ge=1, description="examples of a gradcheck")
    max_body_bytes: int = Field(4 * 1024 * 1024, ge=1024, description="request body size")
    max_json_depth: int = Field(8, ge=3, description="nesting of arrays and objects in a body")
    max_sessions: int = Field(200, ge=1, description="live sessions (least recently used go)")
    session_idle_seconds: float = Field(1800, gt=0, description="idle time before a session ends")
    max_fps: int = Field(60, ge=1, description="frames per second of a playing stream")
    window_size: int = Field(32, ge=1, description="example columns in a frame's A, Z, dA, dZ")
    grid_resolution: int = Field(40, ge=2, le=200, description="grid points per axis")
    grid_hz: float = Field(2.0, gt=0, description="grid messages per second while playing")


@lru_cache
def get_settings() -> Settings:
    """The settings from the environment, read on first use."""
    return Settings()
