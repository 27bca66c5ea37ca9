"""Deployment: docker-compose.yml (and the Fuseki and Virtuoso switches) validate; scripts/topology
runs the same topology without Docker, and its service processes share one store and hold no state
of their own."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from oxigraph_server import free_port, oxigraph_command

from service.cli import app as cli_app

ROOT = Path(__file__).resolve().parent.parent
Topology = tuple[str, list[str], subprocess.Popen[str]]
"""The store endpoint, the service base URLs and the process of scripts/topology."""
COMPOSE_FILES = [["docker-compose.yml"], ["docker-compose.yml", "compose.fuseki.yaml"],
                 ["docker-compose.yml", "compose.virtuoso.yaml"]]


def compose_command() -> list[str]:
    """`docker compose` (the plugin) or Debian's `docker-compose`; skip (fail in CI) when neither."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"],
                                                  capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    message = "neither `docker compose` nor `docker-compose` is installed (scripts/ci-tools installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.mark.parametrize("files", COMPOSE_FILES, ids="+".join)
def test_compose_file_validates(files: list[str]) -> None:
    options = [arg for name in files for arg in ("-f", name)]
    result = subprocess.run([*compose_command(), *options, "config"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "POLICYKG_SPARQL_ENDPOINT" in result.stdout
    for service in ("store", "loader", "policykg"):
        assert re.search(rf"^  {service}:$", result.stdout, re.MULTILINE), service


def test_dockerfile_copies_what_exists_and_runs_known_commands() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    sources = [part for line in text.splitlines() if line.startswith("COPY")
               for part in line.split()[1:-1]]
    assert sources
    assert all((ROOT / source).exists() for source in sources), sources
    assert "oxigraph>=" in text
    commands = {command.name or getattr(command.callback, "__name__", "")
                for command in cli_app.registered_commands}
    lines = [line for name in ("Dockerfile", "docker-compose.yml")
             for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
             if not line.lstrip().startswith("#")]
    used = {word for line in lines for word in re.findall(r"policykg\s+(\w+)", line)}
    assert used
    assert used <= commands, used - commands


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    """scripts/topology on free ports: (store endpoint, service base URLs, the script's process)."""
    oxigraph_command()
    store_port, ports = free_port(), [free_port(), free_port()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}
    env.update(POLICYKG_TOPOLOGY_DIR=str(tmp_path_factory.mktemp("topology")),
               POLICYKG_STORE_PORT=str(store_port), POLICYKG_SERVICE_PORTS=" ".join(map(str, ports)))
    script = subprocess.Popen([str(ROOT / "scripts" / "topology")], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    assert script.stdout is not None
    line = script.stdout.readline()
    assert line.startswith("ready"), f"scripts/topology did not start ({script.poll()})"
    try:
        yield f"http://127.0.0.1:{store_port}", [f"http://127.0.0.1:{port}" for port in ports], script
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)


def policykg(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}
    command = [str(Path(sys.executable).parent / "policykg"), "--endpoint", f"{endpoint}/query",
               "--update-endpoint", f"{endpoint}/update", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def documents(base: str) -> int:
    health = httpx.get(f"{base}/health", timeout=30).json()
    count: int = health["store"]["documents"]
    return count


def test_topology_serves_the_corpus_from_every_process(topology: Topology,
                                                       corpus_files: list[Path]) -> None:
    _, services, _ = topology
    query = {"query": "SELECT ?p WHERE { ?p a <https://w3id.org/policykg/def#Policy> } ORDER BY ?p"}
    answers = [httpx.get(f"{base}/sparql", params=query, headers={"Accept": "text/csv"}, timeout=30).text
               for base in services]
    assert answers[0] == answers[1]
    assert len(answers[0].splitlines()) == len(corpus_files) + 1
    assert [documents(base) for base in services] == [len(corpus_files)] * 2


def test_topology_processes_hold_no_state(topology: Topology,
                                          corpus_files: list[Path]) -> None:
    """A change written by another process to the store shows at once through every service process."""
    endpoint, services, _ = topology
    assert policykg(endpoint, "remove", corpus_files[0].name).returncode == 0
    assert [documents(base) for base in services] == [len(corpus_files) - 1] * 2
    assert policykg(endpoint, "ingest", str(corpus_files[0])).returncode == 0
    assert [documents(base) for base in services] == [len(corpus_files)] * 2
    listed = policykg(endpoint, "documents").stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == [path.name for path in corpus_files]


def test_topology_stops_every_process(topology: Topology) -> None:
    endpoint, services, script = topology
    script.send_signal(signal.SIGTERM)
    assert script.wait(timeout=60) == 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            for base in [endpoint, *services]:
                httpx.get(base, timeout=1)
            time.sleep(0.2)
        except httpx.TransportError:
            break
    for base in [endpoint, *services]:
        with pytest.raises(httpx.TransportError):
            httpx.get(base, timeout=1)
