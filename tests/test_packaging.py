"""What the Docker image runs, checked without a Docker engine.

There is no Docker engine on the build machines, so: hadolint lints the Dockerfile, the
Dockerfile's facts are parsed and checked, and the image's exact CMD is run from the
project installed NON-editable (from a wheel) into a fresh venv, outside the checkout,
with the Dockerfile's ENV. The only change to the CMD is the `--port` value, replaced by
a free port so the test never collides with a server already on 8000.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO_ROOT / "Dockerfile"
ASSET_DIRS = ("static", "templates")
STARTUP_TIMEOUT = 60.0


# --- the Dockerfile, parsed -------------------------------------------------------------


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        out.append((keyword.upper(), args.strip()))
        pending = ""
    assert not pending, "Dockerfile ends inside a line continuation"
    return out


@dataclass(frozen=True)
class DockerfileFacts:
    base: str
    env: dict[str, str]
    copy_sources: list[str]
    runs: list[str]
    users: list[str]
    exposed: list[str]
    healthcheck: str | None
    cmd: list[str]


def _parse_dockerfile() -> DockerfileFacts:
    instructions = _instructions(DOCKERFILE.read_text())
    bases = [args.split()[0] for keyword, args in instructions if keyword == "FROM"]
    env: dict[str, str] = {}
    copy_sources: list[str] = []
    cmds: list[str] = []
    healthchecks: list[str] = []
    for keyword, args in instructions:
        if keyword == "ENV":
            for item in shlex.split(args):
                key, sep, value = item.partition("=")
                assert sep, f"ENV must use the KEY=value form, got {item!r}"
                env[key] = value
        elif keyword in ("COPY", "ADD"):
            words = [w for w in shlex.split(args) if not w.startswith("--")]
            copy_sources.extend(words[:-1])
        elif keyword == "CMD":
            cmds.append(args)
        elif keyword == "HEALTHCHECK":
            healthchecks.append(args)
    assert len(cmds) == 1, f"expected exactly one CMD, found {len(cmds)}"
    try:
        cmd = json.loads(cmds[0])
    except json.JSONDecodeError as exc:
        raise AssertionError(f"CMD must be in JSON (exec) form, got {cmds[0]!r}") from exc
    assert isinstance(cmd, list) and all(isinstance(a, str) for a in cmd), cmd
    return DockerfileFacts(
        base=bases[-1] if bases else "",
        env=env,
        copy_sources=copy_sources,
        runs=[args for keyword, args in instructions if keyword == "RUN"],
        users=[args for keyword, args in instructions if keyword == "USER"],
        exposed=[p for keyword, args in instructions if keyword == "EXPOSE" for p in args.split()],
        healthcheck=healthchecks[-1] if healthchecks else None,
        cmd=cmd,
    )


def _healthcheck_argv(facts: DockerfileFacts) -> list[str]:
    assert facts.healthcheck is not None, "the Dockerfile has no HEALTHCHECK"
    _, sep, command = facts.healthcheck.partition("CMD ")
    assert sep, f"HEALTHCHECK must run a CMD, got {facts.healthcheck!r}"
    argv = json.loads(command)
    assert isinstance(argv, list) and all(isinstance(a, str) for a in argv), argv
    return argv


def test_dockerfile_parser_joins_continuations_and_skips_comments() -> None:
    text = 'FROM a:1\n# note\nENV A=1 \\\n    # inner comment\n    B="two words"\nCMD ["x"]\n'
    assert _instructions(text) == [("FROM", "a:1"), ("ENV", 'A=1 B="two words"'), ("CMD", '["x"]')]


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert hadolint, "hadolint not found: install the test extras (pip install -e '.[test]')"
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_dockerfile_facts() -> None:
    facts = _parse_dockerfile()
    assert re.fullmatch(
        r"(docker\.io/(library/)?)?python:3\.\d+(\.\d+)?-slim(-\w+)?", facts.base
    ), f"base image must be an official python slim image pinned by minor, got {facts.base!r}"
    assert facts.users, "the Dockerfile never sets USER, so the server would run as root"
    final_user = facts.users[-1].split(":")[0]
    assert final_user not in ("root", "0"), f"the final USER must not be root, got {final_user!r}"
    assert "8000" in facts.exposed, f"EXPOSE must list 8000, got {facts.exposed}"
    assert "/healthz" in " ".join(_healthcheck_argv(facts))
    assert facts.cmd[:2] == ["backprop-viz", "serve"], facts.cmd
    assert facts.cmd[facts.cmd.index("--port") + 1] == "8000", facts.cmd
    assert facts.cmd[facts.cmd.index("--host") + 1] == "0.0.0.0", facts.cmd
    for key in ("PYTHONUNBUFFERED", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"):
        assert key in facts.env, f"ENV {key} is missing"
    for key in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"):
        assert int(facts.env[key]) >= 64 * 1024 * 1024, f"{key} should be raised, got {facts.env}"
    installs = [r for r in facts.runs if "pip install" in r]
    assert installs, "no RUN pip install in the Dockerfile"
    for run in installs:
        words = shlex.split(run)
        assert "-e" not in words and "--editable" not in words, f"editable install: {run!r}"
        assert not re.search(r"\[[^\]]*test", run), f"test extras in the image: {run!r}"


def test_every_copied_path_exists() -> None:
    # `docker build` fails on a COPY of a missing path; the front end fills static/, templates/.
    missing = [src for src in _parse_dockerfile().copy_sources if not (REPO_ROOT / src).exists()]
    assert not missing, f"the Dockerfile copies paths missing from the checkout: {missing}"


def test_paths_locate_assets_without_importing_plotly(tmp_path: Path) -> None:
    code = (
        "import json, sys, app.paths as p;"
        "print(json.dumps({'static': str(p.STATIC_DIR), 'templates': str(p.TEMPLATES_DIR),"
        "'plotly_js': str(p.PLOTLY_JS), 'plotly_imported': 'plotly' in sys.modules}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    paths = json.loads(result.stdout)
    assert paths["plotly_imported"] is False
    plotly_js = Path(paths["plotly_js"])
    assert plotly_js.name == "plotly.min.js" and plotly_js.stat().st_size > 1_000_000
    # In the checkout (editable install) the assets are the repository's folders.
    assert Path(paths["static"]) == REPO_ROOT / "static"
    assert Path(paths["templates"]) == REPO_ROOT / "templates"


# --- the project installed from a wheel into a fresh venv ---------------------------------


@dataclass(frozen=True)
class Installed:
    venv: Path
    bin: Path
    python: Path
    package_dir: Path  # the installed `app` package
    workdir: Path  # a directory outside the checkout


def _run(
    argv: list[str], timeout: float, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{shlex.join(argv)} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("packaging")
    wheels = root / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), str(REPO_ROOT)],
        timeout=300,
    )
    (wheel,) = wheels.glob("backprop_viz-*.whl")
    venv = root / "venv"
    # No --system-site-packages: a dependency missing from pyproject.toml must fail here.
    _run([sys.executable, "-m", "venv", str(venv)], timeout=120)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], timeout=600)
    workdir = root / "outside"
    workdir.mkdir()
    where = _run(
        [str(python), "-c", "import app, pathlib; print(pathlib.Path(app.__file__).parent)"],
        timeout=60,
        cwd=workdir,
    )
    yield Installed(venv, venv / "bin", python, Path(where.stdout.strip()), workdir)
    shutil.rmtree(venv, ignore_errors=True)  # a few hundred MB; pytest keeps old tmp dirs


def _repo_files(name: str) -> list[Path]:
    """Files under the repository's folder `name`, relative to the repository root."""
    return [
        path.relative_to(REPO_ROOT)
        for path in sorted((REPO_ROOT / name).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]


def _repo_assets() -> list[Path]:
    """Files under static/ and templates/, relative to the repository root."""
    return [rel for name in ASSET_DIRS for rel in _repo_files(name)]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_install_is_not_editable(installed: Installed) -> None:
    site_packages = (installed.venv / "lib").resolve()
    assert installed.package_dir.resolve().is_relative_to(site_packages), (
        f"`app` was imported from {installed.package_dir}, not from the fresh venv"
    )
    assert not installed.package_dir.is_relative_to(REPO_ROOT)
    direct_url = _run(
        [
            str(installed.python),
            "-c",
            "from importlib.metadata import distribution as d;"
            "print(d('backprop-viz').read_text('direct_url.json') or '{}')",
        ],
        timeout=60,
        cwd=installed.workdir,
    )
    info = json.loads(direct_url.stdout)
    assert not info.get("dir_info", {}).get("editable", False), info


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_wheel_carries_static_and_templates(installed: Installed) -> None:
    for rel in _repo_assets():
        packaged = installed.package_dir / rel
        assert packaged.is_file(), f"{rel} is missing from the installed package ({packaged})"
        assert _sha256(packaged) == _sha256(REPO_ROOT / rel), f"{rel} differs in the wheel"
    result = _run(
        [
            str(installed.python),
            "-c",
            "import app.paths as p; print(p.STATIC_DIR); print(p.TEMPLATES_DIR)",
        ],
        timeout=60,
        cwd=installed.workdir,
    )
    static_dir, templates_dir = (Path(line) for line in result.stdout.split())
    for name, found in (("static", static_dir), ("templates", templates_dir)):
        if any(rel.parts[0] == name for rel in _repo_assets()):
            assert found == installed.package_dir / name, f"app.paths found {name} at {found}"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_wheel_carries_every_file_of_the_app_package(installed: Installed) -> None:
    # Data files too (e.g. the engine's bundled data sets), not only the Python modules.
    site_packages = installed.package_dir.parent
    missing = [str(rel) for rel in _repo_files("app") if not (site_packages / rel).is_file()]
    assert not missing, f"files of app/ missing from the installed package: {missing}"


# --- the image's CMD, running ------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    base_url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("0.0.0.0", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _image_env(facts: DockerfileFacts, installed: Installed) -> dict[str, str]:
    # What the container has: its ENV, its PATH (the venv stands in for the image's
    # site-packages), and nothing inherited from the test process such as PYTHONPATH.
    env = {
        "PATH": f"{installed.bin}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "HOME": str(installed.workdir),
        "LANG": "C.UTF-8",
    }
    env.update(facts.env)
    return env


@pytest.fixture(scope="module")
def server(installed: Installed) -> Iterator[Server]:
    facts = _parse_dockerfile()
    port = _free_port()
    argv = list(facts.cmd)
    argv[argv.index("--port") + 1] = str(port)  # the only change to the image's command
    executable = installed.bin / argv[0]
    assert executable.is_file(), f"the CMD's program {argv[0]!r} is not installed in the venv"
    argv[0] = str(executable)
    log = installed.workdir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv,
            cwd=installed.workdir,
            env=_image_env(facts, installed),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
            try:
                if _get(f"{base_url}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no 200 from /healthz within {STARTUP_TIMEOUT}s:\n{log.read_text()}")
            time.sleep(0.2)
        yield Server(base_url, port, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_image_cmd_serves_healthz(server: Server) -> None:
    status, body = _get(f"{server.base_url}/healthz")
    assert status == 200, body


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_image_healthcheck_passes_when_up_and_fails_when_down(
    server: Server, installed: Installed
) -> None:
    facts = _parse_dockerfile()
    argv = _healthcheck_argv(facts)
    assert argv[0] == "python", f"HEALTHCHECK should use the image's python, got {argv}"

    def healthcheck(port: int) -> int:
        command = [a.replace(":8000/", f":{port}/") for a in argv]
        command[0] = str(installed.python)
        env = _image_env(facts, installed)
        return subprocess.run(command, env=env, capture_output=True, timeout=30).returncode

    assert healthcheck(server.port) == 0
    assert healthcheck(_free_port()) != 0  # nothing listens there


class _AssetLinks(HTMLParser):
    """Local URLs a page loads: src/href attributes and import-map targets."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_importmap = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") == "importmap":
            self._in_importmap = True
        if tag == "a":
            return  # links to other pages are not assets
        for name in ("src", "href"):
            value = attributes.get(name)
            if value and value.startswith("/") and not value.startswith("//"):
                self.urls.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_importmap = False

    def handle_data(self, data: str) -> None:
        if self._in_importmap and data.strip():
            imports = json.loads(data).get("imports", {})
            self.urls.extend(u for u in imports.values() if u.startswith("/"))


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_image_serves_the_page_and_its_assets(server: Server) -> None:
    if not (REPO_ROOT / "templates" / "index.html").is_file():
        pytest.skip("templates/index.html does not exist yet")
    status, body = _get(f"{server.base_url}/")
    assert status == 200, body[:500]
    links = _AssetLinks()
    links.feed(body.decode())
    assert links.urls, "the page references no local assets"
    broken = {}
    for url in sorted(set(links.urls)):
        status, _ = _get(server.base_url + url)
        if status != 200:
            broken[url] = status
    assert not broken, f"assets the page references do not load from the installed app: {broken}"
