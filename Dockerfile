# backprop-viz for a classroom: one `docker run`, no internet needed once built.
FROM python:3.11-slim

# glibc's default malloc mmap/trim thresholds map and unmap NumPy's large arrays on
# every training step (2.5-3.5x slower, bench/bench_engine.py); raise them. Same values
# as app/engine/_malloc.py sets with mallopt (64 MiB / 256 MiB); these variables win.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MALLOC_MMAP_THRESHOLD_=67108864 \
    MALLOC_TRIM_THRESHOLD_=268435456

WORKDIR /build
COPY pyproject.toml README.md ./
COPY app/ app/
COPY static/ static/
COPY templates/ templates/
# Non-editable install: the wheel carries static/ and templates/ inside the package.
RUN pip install --no-cache-dir . \
    && groupadd --gid 10001 classroom \
    && useradd --create-home --uid 10001 --gid 10001 classroom \
    && rm -rf /build

USER 10001:10001
WORKDIR /home/classroom

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["backprop-viz", "serve", "--host", "0.0.0.0", "--port", "8000"]
