"""The Compose file and the Kubernetes manifests run what the local stack runs, and each says when it is ready.

Docker cannot run where the tests run, so these read the files as the tools would and check the promises that
matter: every process is there, waits for the servers it needs, reports its health and gets only RSP_ settings,
and each connects with only its own rights, as in the local stack: its own NATS user (the same users and
permissions, rendered from contracts/subscriptions.py) and, for a service, its own Postgres role. Only the set-up
step connects as the database owner and the NATS operator, and it runs before every platform process.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

import pytest
import yaml

from contracts.search_attributes import SEARCH_ATTRIBUTES
from runtime.database_roles import role_name
from runtime.local.nats_users import (
    DEPLOY_CONFIG,
    OPERATOR,
    deploy_server_config,
    helm_users,
    password_variable,
    user_entries,
)
from runtime.local.stack import PLATFORM_PROCESSES
from runtime.settings import SERVICE_NAMES
from runtime.setup import postgres_password_variable

REPOSITORY = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPOSITORY / "docker-compose.yml"
KUBERNETES_DIR = REPOSITORY / "deploy" / "k8s"
DEPLOY_README = REPOSITORY / "deploy" / "README.md"
NATS_VALUES = REPOSITORY / "deploy" / "helm" / "nats-values.yaml"

SERVERS = ("postgres", "nats", "temporal")
PLATFORM_NAMES = tuple(name for name, _ in PLATFORM_PROCESSES)
NO_DATABASE = tuple(name for name in PLATFORM_NAMES if name not in SERVICE_NAMES)
SETUP = "setup"
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
    # The worker and the bridge use no database, so they get no DSN (checked below).
    needed = ("RSP_POSTGRES_DSN",) if name in SERVICE_NAMES else ()
    for setting in (*needed, "RSP_NATS_URL", "RSP_TEMPORAL_ADDRESS", "RSP_HOST"):
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
        # Ready: may get traffic now (database and NATS reachable). Live: restart it only if this fails.
        assert probe.get("httpGet", {}).get("path") == "/health/ready"
        assert container.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/health/live"


@pytest.mark.parametrize(("name", "kind"), SEARCH_ATTRIBUTES.items())
def test_deploy_readme_shows_how_to_register_each_search_attribute(name: str, kind: str) -> None:
    readme = DEPLOY_README.read_text(encoding="utf-8")

    assert f"--name {name} --type {kind}" in readme


# --- Least privilege: the same NATS users and Postgres roles as the local stack ---------------------------------

_COMPOSE_VARIABLE = re.compile(r"\$\{(\w+)(?::?[-?][^}]*)?\}")
_KUBERNETES_REFERENCE = re.compile(r"\$\((\w+)\)")


def _interpolated(value: str) -> str:
    """A Compose value as Compose would pass it, with every `${VAR...}` set to `<VAR>` (so callers can see
    which variable ends up where, whatever its laptop default)."""
    return _COMPOSE_VARIABLE.sub(lambda match: f"<{match.group(1)}>", value)


def _compose_url(name: str, setting: str) -> SplitResult | None:
    value = _environment(_compose_service(name)).get(setting)
    return None if value is None else urlsplit(_interpolated(value))


def _postgres_owner() -> str:
    return _environment(_compose_service("postgres"))["POSTGRES_USER"]


def _kubernetes_container(name: str, kind: str = "Deployment") -> dict[str, Any]:
    documents = [d for d in _kubernetes_objects() if d.get("kind") == kind and d["metadata"]["name"] == name]
    assert len(documents) == 1, f"deploy/k8s needs exactly one {kind} {name!r}"
    containers: list[dict[str, Any]] = documents[0]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def _kubernetes_env(container: dict[str, Any]) -> dict[str, str]:
    """Each variable as Kubernetes sets it: a value from a Secret is `<secret:NAME:KEY>` (from a ConfigMap,
    `<configmap:NAME:KEY>`), and `$(VAR)` expands only variables defined earlier in the list, as Kubernetes does."""
    environment: dict[str, str] = {}
    for entry in container.get("env", []):
        if "value" in entry:
            value = _KUBERNETES_REFERENCE.sub(
                lambda match: environment.get(match.group(1), match.group(0)), str(entry["value"])
            )
        else:
            source = entry["valueFrom"]
            kind = "secret" if "secretKeyRef" in source else "configmap"
            reference = source.get("secretKeyRef") or source["configMapKeyRef"]
            value = f"<{kind}:{reference['name']}:{reference['key']}>"
        environment[entry["name"]] = value
    return environment


def _cluster() -> dict[str, Any]:
    clusters = [d for d in _kubernetes_objects() if d.get("kind") == "Cluster"]
    assert len(clusters) == 1
    return clusters[0]


def _managed_roles() -> dict[str, dict[str, Any]]:
    return {role["name"]: role for role in _cluster()["spec"]["managed"]["roles"]}


def _nats_values() -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load(NATS_VALUES.read_text(encoding="utf-8"))
    return values


def test_committed_nats_config_is_the_rendering_of_the_subscriptions() -> None:
    committed = DEPLOY_CONFIG.read_text(encoding="utf-8")

    assert committed == deploy_server_config(PLATFORM_NAMES), (
        "deploy/nats/nats-server.conf is stale: python -m runtime.local.nats_users > deploy/nats/nats-server.conf"
    )


def test_committed_nats_config_names_every_password_and_holds_none() -> None:
    committed = DEPLOY_CONFIG.read_text(encoding="utf-8")

    passwords = re.findall(r'"password":\s*([^,\n]+)', committed)
    users = (*PLATFORM_NAMES, OPERATOR)
    assert passwords == [f"${password_variable(user)}" for user in users]
    assert "sync_interval: always" in committed


def test_helm_values_declare_the_same_users_and_permissions() -> None:
    declared = _nats_values()["config"]["merge"]["authorization"]["users"]

    assert declared == helm_users(PLATFORM_NAMES), (
        "deploy/helm/nats-values.yaml is stale: print its users with python -m runtime.local.nats_users --helm"
    )
    # The same permissions as the server Compose runs, user for user.
    local = user_entries(PLATFORM_NAMES, lambda name: "")
    assert [{k: v for k, v in user.items() if k != "password"} for user in declared] == [
        {k: v for k, v in user.items() if k != "password"} for user in local
    ]


@pytest.mark.parametrize("user", [*PLATFORM_NAMES, OPERATOR])
def test_helm_nats_server_reads_each_password_from_the_secret(user: str) -> None:
    env = _nats_values()["container"]["env"]

    reference = env[password_variable(user)]["valueFrom"]["secretKeyRef"]
    assert reference == {"name": "rsp-nats-passwords", "key": user}


def test_compose_nats_runs_the_rendered_config_with_every_password() -> None:
    nats = _compose_service("nats")
    words = _words(nats["command"])
    mounted = {volume.split(":")[1]: volume.split(":")[0] for volume in nats["volumes"] if ":" in volume}

    config = words[words.index("--config") + 1]
    assert mounted[config] == "./deploy/nats/nats-server.conf"
    environment = _environment(nats)
    for user in (*PLATFORM_NAMES, OPERATOR):
        variable = password_variable(user)
        assert _interpolated(environment[variable]) == f"<{variable}>"


@pytest.mark.parametrize("name", PLATFORM_NAMES)
def test_compose_process_connects_to_nats_as_its_own_user(name: str) -> None:
    url = _compose_url(name, "RSP_NATS_URL")

    assert url is not None
    assert (url.username, url.password, url.hostname) == (name, f"<{password_variable(name)}>", "nats")


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_compose_service_connects_to_postgres_as_its_own_role(name: str) -> None:
    url = _compose_url(name, "RSP_POSTGRES_DSN")
    setup = _environment(_compose_service(SETUP))

    assert url is not None
    assert (url.username, url.password) == (role_name(name), f"<{postgres_password_variable(name)}>")
    # The set-up step gives the role the very password the service connects with.
    variable = postgres_password_variable(name)
    assert _interpolated(setup[variable]) == f"<{variable}>"


@pytest.mark.parametrize("name", NO_DATABASE)
def test_compose_worker_and_bridge_get_no_database(name: str) -> None:
    environment = _environment(_compose_service(name))

    assert not any("POSTGRES" in key for key in environment), f"{name} needs no database"


@pytest.mark.parametrize("name", PLATFORM_NAMES)
def test_compose_process_never_gets_the_owner_or_the_operator(name: str) -> None:
    environment = {key: _interpolated(value) for key, value in _environment(_compose_service(name)).items()}

    assert "RSP_SETUP_POSTGRES_DSN" not in environment
    for value in environment.values():
        if value.startswith(("postgres://", "postgresql://", "nats://")):
            assert urlsplit(value).username not in {_postgres_owner(), OPERATOR, None}, value


def test_compose_setup_makes_roles_and_streams_as_owner_and_operator_before_the_platform() -> None:
    setup = _compose_service(SETUP)
    owner = _compose_url(SETUP, "RSP_SETUP_POSTGRES_DSN")
    operator = _compose_url(SETUP, "RSP_NATS_URL")

    assert _words(setup["command"])[-2:] == ["-m", "runtime.setup"]
    assert setup.get("restart", "no") == "no"
    assert owner is not None
    assert owner.username == _postgres_owner()
    assert owner.password == "<RSP_POSTGRES_PASSWORD>"
    assert operator is not None
    assert operator.username == OPERATOR
    assert operator.password == f"<{password_variable(OPERATOR)}>"
    for server in ("postgres", "nats"):
        assert setup["depends_on"][server]["condition"] == "service_healthy"
    for name in PLATFORM_NAMES:
        depends_on = _compose_service(name)["depends_on"]
        assert depends_on.get(SETUP, {}).get("condition") == "service_completed_successfully", name


def test_kubernetes_settings_carry_no_shared_connection() -> None:
    config_maps = [d for d in _kubernetes_objects() if d.get("kind") == "ConfigMap"]

    for config_map in config_maps:
        assert not {"RSP_NATS_URL", "RSP_POSTGRES_DSN", "RSP_SETUP_POSTGRES_DSN"} & set(config_map.get("data", {}))


@pytest.mark.parametrize("name", PLATFORM_NAMES)
def test_kubernetes_process_connects_to_nats_as_its_own_user(name: str) -> None:
    environment = _kubernetes_env(_kubernetes_container(name))

    url = urlsplit(environment["RSP_NATS_URL"])
    assert (url.username, url.password) == (name, f"<secret:rsp-nats-passwords:{name}>")
    assert url.hostname == "nats.rsp.svc.cluster.local"


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_kubernetes_service_connects_to_postgres_as_its_managed_role(name: str) -> None:
    environment = _kubernetes_env(_kubernetes_container(name))
    role = _managed_roles().get(role_name(name))

    assert role is not None, f"CloudNativePG does not manage {role_name(name)}"
    assert role.get("ensure", "present") == "present"
    assert role["login"] is True
    secret = role["passwordSecret"]["name"]
    url = urlsplit(environment["RSP_POSTGRES_DSN"])
    assert (url.username, url.password) == (role_name(name), f"<secret:{secret}:password>")
    assert (url.hostname, url.path) == ("rsp-postgres-rw.rsp.svc.cluster.local", "/rsp")


@pytest.mark.parametrize("name", NO_DATABASE)
def test_kubernetes_worker_and_bridge_get_no_database(name: str) -> None:
    environment = _kubernetes_env(_kubernetes_container(name))

    assert not any("POSTGRES" in key for key in environment), f"{name} needs no database"


@pytest.mark.parametrize("name", PLATFORM_NAMES)
def test_kubernetes_process_never_gets_the_owner_or_the_operator(name: str) -> None:
    container = _kubernetes_container(name)
    environment = _kubernetes_env(container)

    assert "<secret:rsp-postgres-app:" not in " ".join(environment.values())
    assert "<secret:rsp-nats-passwords:operator>" not in environment.values()
    assert not [source for source in container.get("envFrom", []) if "secretRef" in source]


def test_kubernetes_owner_may_hand_each_service_its_schema() -> None:
    owner = _managed_roles()[_cluster()["spec"]["bootstrap"]["initdb"]["owner"]]

    # Membership lets the owner create a schema AUTHORIZATION rsp_<service> (PostgreSQL 16+); no passwordSecret
    # leaves its generated password (rsp-postgres-app) alone.
    assert set(owner["inRoles"]) == {role_name(name) for name in SERVICE_NAMES}
    assert "passwordSecret" not in owner


def test_kubernetes_setup_job_makes_roles_and_three_replica_streams_before_the_platform() -> None:
    container = _kubernetes_container("rsp-setup", kind="Job")
    environment = _kubernetes_env(container)

    assert _words(container["command"])[-2:] == ["-m", "runtime.setup"]
    assert environment["RSP_SETUP_POSTGRES_DSN"] == "<secret:rsp-postgres-app:uri>"
    operator = urlsplit(environment["RSP_NATS_URL"])
    assert (operator.username, operator.password) == (OPERATOR, f"<secret:rsp-nats-passwords:{OPERATOR}>")
    assert environment["RSP_STREAM_REPLICAS"] == "3"
    assert _nats_values()["config"]["cluster"]["replicas"] == 3
    readme = DEPLOY_README.read_text(encoding="utf-8")
    assert readme.index("k8s/25-setup.yaml") < readme.index("k8s/30-enrolment.yaml")
