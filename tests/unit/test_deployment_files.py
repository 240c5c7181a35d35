"""The Compose file and the Kubernetes manifests run what the local stack runs, and each says when it is ready.

Docker cannot run where the tests run, so these read the files as the tools would and check the promises that
matter: every process is there, waits for the servers it needs, reports its health and gets only RSP_ settings.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts.search_attributes import SEARCH_ATTRIBUTES
from runtime.local.stack import PLATFORM_PROCESSES
from runtime.settings import SERVICE_NAMES

REPOSITORY = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPOSITORY / "docker-compose.yml"
KUBERNETES_DIR = REPOSITORY / "deploy" / "k8s"
DEPLOY_README = REPOSITORY / "deploy" / "README.md"

SERVERS = ("postgres", "nats", "temporal")
PLATFORM_NAMES = tuple(name for name, _ in PLATFORM_PROCESSES)
# The local stack sets it for its children as well: Python reads it, the platform's settings do not.
ALLOWED_NON_RSP_VARIABLES = frozenset({"PYTHONUNBUFFERED"})


@cache
def _compose_services() -> dict[str, dict[str, Any]]:
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    services: dict[str, dict[str, Any]] = document["services"]
    return services


def _compose_service(name: str) -> dict[str, Any]:
    services = _compose_services()
    assert name in services, f"docker-compose.yml has no service {name!r}"
    return services[name]


def _words(command: str | list[str]) -> list[str]:
    """Compose accepts a command as one string or as a list; compare them as the list of words."""
    return shlex.split(command) if isinstance(command, str) else [str(word) for word in command]


def _environment(service: dict[str, Any]) -> dict[str, str]:
    """Compose accepts `environment` as a mapping or as a list of KEY=VALUE entries."""
    declared = service.get("environment") or {}
    if isinstance(declared, dict):
        return {str(key): str(value) for key, value in declared.items()}
    environment: dict[str, str] = {}
    for entry in declared:
        key, _, value = str(entry).partition("=")
        environment[key] = value
    return environment


def _healthcheck_words(service: dict[str, Any]) -> list[str]:
    healthcheck = service.get("healthcheck") or {}
    if healthcheck.get("disable"):
        return []
    test = healthcheck.get("test") or []
    words = _words(test)
    return [] if words[:1] == ["NONE"] else words


def _kubernetes_objects() -> Iterator[dict[str, Any]]:
    for path in sorted([*KUBERNETES_DIR.rglob("*.yaml"), *KUBERNETES_DIR.rglob("*.yml")]):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                yield document


def _deployments() -> dict[str, dict[str, Any]]:
    return {
        document["metadata"]["name"]: document
        for document in _kubernetes_objects()
        if document.get("kind") == "Deployment"
    }


@pytest.mark.parametrize("name", [*PLATFORM_NAMES, *SERVERS])
def test_every_process_the_local_stack_starts_is_in_compose_with_a_healthcheck(name: str) -> None:
    service = _compose_service(name)

    assert _healthcheck_words(service), f"compose service {name!r} has no healthcheck"


@pytest.mark.parametrize(("name", "module"), PLATFORM_PROCESSES)
def test_compose_runs_each_platform_process_as_its_python_module(name: str, module: str) -> None:
    command = _words(_compose_service(name)["command"])

    assert command[-2:] == ["-m", module]


@pytest.mark.parametrize("name", PLATFORM_NAMES)
def test_platform_processes_start_only_once_postgres_nats_and_temporal_are_healthy(name: str) -> None:
    depends_on = _compose_service(name).get("depends_on")

    assert isinstance(depends_on, dict), f"{name} must wait on conditions, not only on start order"
    for server in SERVERS:
        assert depends_on.get(server, {}).get("condition") == "service_healthy", f"{name} must wait for {server}"


@pytest.mark.parametrize("name", PLATFORM_NAMES)
def test_platform_processes_get_only_rsp_settings_from_the_environment(name: str) -> None:
    environment = _environment(_compose_service(name))

    strays = {key for key in environment if not key.startswith("RSP_")} - ALLOWED_NON_RSP_VARIABLES
    assert not strays, f"{name} sets variables the platform does not read: {sorted(strays)}"
    for setting in ("RSP_POSTGRES_DSN", "RSP_NATS_URL", "RSP_TEMPORAL_ADDRESS", "RSP_HOST"):
        assert environment.get(setting), f"{name} is missing {setting}"


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_compose_checks_each_service_on_its_health_endpoint(name: str) -> None:
    healthcheck = " ".join(_healthcheck_words(_compose_service(name)))
    port = _environment(_compose_service(name))[f"RSP_{name.upper()}_PORT"]

    assert f":{port}/health" in healthcheck


def test_compose_temporal_registers_every_search_attribute() -> None:
    words = _words(_compose_service("temporal")["command"])

    registered = {value for flag, value in pairwise(words) if flag == "--search-attribute"}
    registered |= {word.removeprefix("--search-attribute=") for word in words if word.startswith("--search-attribute=")}
    expected = {f"{name}={kind}" for name, kind in SEARCH_ATTRIBUTES.items()}
    assert expected <= registered


@pytest.mark.parametrize(("name", "module"), PLATFORM_PROCESSES)
def test_every_platform_process_has_a_kubernetes_deployment_with_a_readiness_probe(name: str, module: str) -> None:
    deployments = _deployments()
    assert name in deployments, f"deploy/k8s has no Deployment {name!r}"
    containers = deployments[name]["spec"]["template"]["spec"]["containers"]
    container = next((c for c in containers if module in " ".join(_words(c.get("command", [])))), None)

    assert container is not None, f"no container of Deployment {name!r} runs `python -m {module}`"
    probe = container.get("readinessProbe")
    assert probe, f"Deployment {name!r} has no readiness probe"
    if name in SERVICE_NAMES:
        assert probe.get("httpGet", {}).get("path") == "/health"


@pytest.mark.parametrize(("name", "kind"), SEARCH_ATTRIBUTES.items())
def test_deploy_readme_shows_how_to_register_each_search_attribute(name: str, kind: str) -> None:
    readme = DEPLOY_README.read_text(encoding="utf-8")

    assert f"--name {name} --type {kind}" in readme
