"""Command line: `backprop-viz serve` and `backprop-viz trace FILE.json`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _serve(args: argparse.Namespace) -> int:
    # The server multiplies many tiny matrices for many sessions: BLAS worker threads only
    # spin and fight the event loop for the cores (measured with 60 streams on 2 cores:
    # 1.24 cores and 73% of the frames, against 0.54 cores and 99% single-threaded).
    # Set before NumPy is first imported; an explicit environment value wins.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    import uvicorn

    # Per-message compression costs 10-35x in frame throughput (DESIGN.md); keep it off.
    uvicorn.run("app.main:app", host=args.host, port=args.port, ws_per_message_deflate=False)
    return 0


def _trace(args: argparse.Namespace) -> int:
    """Print /api/trace's answer for the body in a file (or - for stdin); errors go to stderr."""
    from pydantic import ValidationError

    from app.api.encoding import dumps, loads
    from app.api.errors import ApiError, find_not_finite
    from app.api.schemas import TraceIn
    from app.api.trace import trace
    from app.engine import EngineError
    from app.settings import get_settings

    try:
        text = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        body = TraceIn.model_validate(loads(text))
        answer = trace(body, get_settings())
    except OSError as exc:
        print(f"backprop-viz trace: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except ValueError as exc:  # bad JSON, pydantic ValidationError, EngineError
        if isinstance(exc, ValidationError):
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"])
                print(f"backprop-viz trace: {where}: {err['msg']}", file=sys.stderr)
        elif isinstance(exc, EngineError):
            print(f"backprop-viz trace: {exc.field}: {exc.message}", file=sys.stderr)
        elif (located := find_not_finite(text)) is not None:  # NaN, Infinity, 1e400
            print(f"backprop-viz trace: {located['msg']}", file=sys.stderr)
        else:
            print(f"backprop-viz trace: {args.file} is not valid JSON: {exc}", file=sys.stderr)
        return 1
    except ApiError as exc:
        print(f"backprop-viz trace: {exc.field}: {exc.message}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(dumps(answer) + b"\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backprop-viz", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=_serve)
    trace = sub.add_parser("trace", help="print /api/trace's answer for a JSON body in FILE")
    trace.add_argument("file", metavar="FILE.json", help="the request body (- reads stdin)")
    trace.set_defaults(func=_trace)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
