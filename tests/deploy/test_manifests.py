"""The Kubernetes manifests: valid objects, safe pods, and settings that agree with each other."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import kubernetes_validate  # type: ignore[import-untyped]
import pytest

from accord.settings import AccordSettings
from integrations.telemetry.metrics import ACCORD_METRICS
from tests.support.manifests import OVERLAYS, REPO, Manifest, Rendered, describe, pod_spec

pytestmark = pytest.mark.processes

KUBERNETES_VERSION = "1.33.0"
"""The Kubernetes version whose schemas every built-in object is validated against."""
WORKLOADS = ("accord-worker", "accord-api")
REQUIRED_ALERTS = {
    "AccordWorkerDown",
    "AccordTaskBacklogGrowing",
    "AccordGraphThrottling",
    "AccordScheduleToStartLatencyHigh",
}
WRITABLE_TMP = "/tmp"  # noqa: S108 - the path checked in manifests, not a file used here
SHUTDOWN_MARGIN_SECONDS = 15
"""Time a worker needs after its graceful shutdown timeout: cancel, report, flush, exit."""


def _check_scaled_object(manifest: Manifest, rendered: Rendered) -> list[str]:
    spec = manifest.get("spec", {})
    problems = []
    target = spec.get("scaleTargetRef", {}).get("name")
    if target not in {d["metadata"]["name"] for d in rendered.of_kind("Deployment")}:
        problems.append(f"scaleTargetRef.name {target!r} is no Deployment")
    triggers = spec.get("triggers") or []
    if not triggers:
        problems.append("no triggers")
    for trigger in triggers:
        metadata = trigger.get("metadata", {})
        if trigger.get("type") == "temporal":
            missing = {"endpoint", "namespace", "taskQueue", "targetQueueSize"} - set(metadata)
            problems += [f"temporal trigger without {name}" for name in sorted(missing)]
        auth = trigger.get("authenticationRef", {}).get("name")
        if auth is not None and auth not in {
            t["metadata"]["name"] for t in rendered.of_kind("TriggerAuthentication")
        }:
            problems.append(f"authenticationRef {auth!r} is no TriggerAuthentication")
    if not 0 < spec.get("minReplicaCount", 0) <= spec.get("maxReplicaCount", 0):
        problems.append("replica counts must satisfy 0 < min <= max")
    return problems


def _check_trigger_authentication(manifest: Manifest, _rendered: Rendered) -> list[str]:
    refs = manifest.get("spec", {}).get("secretTargetRef") or []
    if not refs:
        return ["no secretTargetRef"]
    return [
        f"secretTargetRef entry without {field}"
        for ref in refs
        for field in ("parameter", "name", "key")
        if not ref.get(field)
    ]


def _check_pod_monitor(manifest: Manifest, rendered: Rendered) -> list[str]:
    spec = manifest.get("spec", {})
    wanted = spec.get("selector", {}).get("matchLabels", {})
    ports = {
        port["name"]
        for deployment in rendered.of_kind("Deployment")
        if wanted.items() <= deployment["spec"]["selector"]["matchLabels"].items()
        for container in pod_spec(deployment)["containers"]
        for port in container.get("ports", [])
    }
    endpoints = spec.get("podMetricsEndpoints") or []
    if not endpoints:
        return ["no podMetricsEndpoints"]
    return [
        f"endpoint port {e.get('port')!r} is no port of a selected pod"
        for e in endpoints
        if e.get("port") not in ports
    ]


def _check_prometheus_rule(manifest: Manifest, _rendered: Rendered) -> list[str]:
    problems = []
    for group in manifest.get("spec", {}).get("groups") or []:
        for rule in group.get("rules") or []:
            name = rule.get("alert", "?")
            if not rule.get("expr"):
                problems.append(f"{name}: no expr")
            if rule.get("labels", {}).get("severity") not in {"critical", "warning"}:
                problems.append(f"{name}: severity must be critical or warning")
            for annotation in ("summary", "runbook"):
                if not rule.get("annotations", {}).get(annotation):
                    problems.append(f"{name}: no {annotation} annotation")
    return problems


def _check_http_route(manifest: Manifest, rendered: Rendered) -> list[str]:
    spec = manifest.get("spec", {})
    problems = []
    parents = spec.get("parentRefs") or []
    if not parents:
        problems.append("no parentRefs")
    for parent in parents:
        if parent.get("kind", "Gateway") != "Gateway" or not parent.get("name"):
            problems.append(f"parentRef {parent!r} names no Gateway")
    if not spec.get("hostnames"):
        problems.append("no hostnames: it would take every host of its Gateway")
    services = {
        s["metadata"]["name"]: {port["port"] for port in s["spec"]["ports"]}
        for s in rendered.of_kind("Service")
    }
    for rule in spec.get("rules") or []:
        for backend in rule.get("backendRefs") or []:
            if backend.get("port") not in services.get(backend.get("name"), set()):
                problems.append(f"backendRef {backend!r} is no port of a Service")
    return problems


# kubernetes-validate knows the built-in kinds only. These custom resources are checked here
# instead, for the fields their controllers need; any other kind without a schema fails.
CUSTOM_RESOURCE_CHECKS: dict[str, Callable[[Manifest, Rendered], list[str]]] = {
    "ScaledObject": _check_scaled_object,
    "TriggerAuthentication": _check_trigger_authentication,
    "PodMonitor": _check_pod_monitor,
    "PrometheusRule": _check_prometheus_rule,
    "HTTPRoute": _check_http_route,
}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_is_valid_for_its_schema(overlay: str, rendered: dict[str, Rendered]) -> None:
    problems = []
    for manifest in rendered[overlay].objects:
        check = CUSTOM_RESOURCE_CHECKS.get(manifest["kind"])
        if check is not None:
            problems += [f"{describe(manifest)}: {p}" for p in check(manifest, rendered[overlay])]
            continue
        try:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = "/".join(str(part) for part in exc.path)
            problems.append(f"{describe(manifest)}: {path}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{describe(manifest)}: no schema, and no check of its own")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_overlay_has_everything_ops_needs(overlay: str, rendered: dict[str, Rendered]) -> None:
    objects = rendered[overlay]
    for kind, name in [
        ("Deployment", "accord-worker"),
        ("Deployment", "accord-api"),
        ("Service", "accord-api"),
        ("Ingress", "accord-api"),
        ("HTTPRoute", "accord-api"),
        ("ServiceAccount", "accord"),
        ("PodDisruptionBudget", "accord-worker"),
        ("PodDisruptionBudget", "accord-api"),
        ("NetworkPolicy", "accord-worker"),
        ("NetworkPolicy", "accord-api"),
        ("NetworkPolicy", "accord-dns"),
        ("PodMonitor", "accord-worker"),
        ("PodMonitor", "accord-api"),
        ("ScaledObject", "accord-worker"),
        ("HorizontalPodAutoscaler", "accord-api"),
        ("PrometheusRule", "accord"),
        ("ConfigMap", "accord-grafana-dashboard"),
    ]:
        objects.named(kind, name)
    assert {o["metadata"].get("namespace") for o in objects.objects} == {
        "accord-dev" if overlay == "dev" else "accord"
    }
    args = {
        name: pod_spec(objects.named("Deployment", name))["containers"][0]["args"]
        for name in WORKLOADS
    }
    assert args == {"accord-worker": ["worker"], "accord-api": ["api"]}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_are_referenced_never_written(overlay: str, rendered: dict[str, Rendered]) -> None:
    objects = rendered[overlay]
    assert objects.of_kind("Secret") == []
    config = _config(objects)
    for key in config:
        assert not re.search(r"SECRET$|_KEYS?$|PASSWORD|TOKEN", key), f"{key} belongs in a Secret"
    for name in WORKLOADS:
        container = pod_spec(objects.named("Deployment", name))["containers"][0]
        assert "env" not in container, f"{name}: secrets come as files, not variables"
        [mount] = [m for m in container["volumeMounts"] if m["name"] == "secrets"]
        assert mount["mountPath"] == config["ACCORD_SECRETS_DIR"]
        assert mount["readOnly"] is True
        files = _secret_files(objects, name)
        assert "accord-secrets" in files, f"{name}: the Secret accord-secrets is not mounted"
        for path in set().union(*files.values()) - {"*"}:
            field = path.removeprefix("ACCORD_").lower()
            assert path.startswith("ACCORD_") and field in AccordSettings.model_fields, path


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_runs_locked_down(overlay: str, rendered: dict[str, Rendered]) -> None:
    problems = []
    for deployment in rendered[overlay].of_kind("Deployment"):
        spec = pod_spec(deployment)
        pod = spec.get("securityContext", {})
        if not (pod.get("runAsNonRoot") and pod.get("runAsUser", 0) >= 10000):
            problems.append(f"{describe(deployment)}: pod must run as a non-root uid >= 10000")
        if pod.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problems.append(f"{describe(deployment)}: seccomp must be RuntimeDefault")
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{describe(deployment)}: service account token mounted")
        for container in spec["containers"]:
            where = f"{describe(deployment)} container {container['name']}"
            security = container.get("securityContext", {})
            if security.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation must be false")
            if security.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: the root filesystem must be read-only")
            if security.get("capabilities", {}).get("drop") != ["ALL"]:
                problems.append(f"{where}: capabilities must drop ALL")
            resources = container.get("resources", {})
            for part in ("requests", "limits"):
                if {"cpu", "memory"} - set(resources.get(part, {})):
                    problems.append(f"{where}: cpu and memory {part} needed")
            if not ("livenessProbe" in container and "readinessProbe" in container):
                problems.append(f"{where}: liveness and readiness probes needed")
            mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
            if WRITABLE_TMP not in mounts:
                problems.append(f"{where}: /tmp must be a writable volume")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_workers_and_api_spread_over_zones_and_nodes(
    overlay: str, rendered: dict[str, Rendered]
) -> None:
    for name in WORKLOADS:
        constraints = pod_spec(rendered[overlay].named("Deployment", name))[
            "topologySpreadConstraints"
        ]
        assert {c["topologyKey"] for c in constraints} == {
            "topology.kubernetes.io/zone",
            "kubernetes.io/hostname",
        }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_worker_drains_before_the_pod_is_killed(
    overlay: str, rendered: dict[str, Rendered]
) -> None:
    objects = rendered[overlay]
    grace = float(_config(objects)["ACCORD_WORKER_GRACEFUL_SHUTDOWN_SECONDS"])
    termination = pod_spec(objects.named("Deployment", "accord-worker"))[
        "terminationGracePeriodSeconds"
    ]
    assert termination >= grace + SHUTDOWN_MARGIN_SECONDS


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_keda_watches_the_queue_the_worker_polls(
    overlay: str, rendered: dict[str, Rendered]
) -> None:
    objects = rendered[overlay]
    config = _config(objects)
    [trigger] = objects.named("ScaledObject", "accord-worker")["spec"]["triggers"]
    assert trigger["type"] == "temporal"
    assert trigger["metadata"]["taskQueue"] == config["ACCORD_TEMPORAL_TASK_QUEUE"]
    assert trigger["metadata"]["namespace"] == config["ACCORD_TEMPORAL_NAMESPACE"]
    address = config["ACCORD_TEMPORAL_ADDRESS"]
    # The worker may use a short in-namespace name; KEDA runs elsewhere and needs the FQDN.
    host, port = address.rsplit(":", 1)
    assert trigger["metadata"]["endpoint"].startswith(host)
    assert trigger["metadata"]["endpoint"].endswith(f":{port}")
    if "accord-temporal" in _secret_files(objects, "accord-worker"):
        assert trigger["authenticationRef"]["name"] == "accord-temporal"


def test_production_authenticates_to_temporal_cloud_and_dev_runs_its_own(
    rendered: dict[str, Rendered],
) -> None:
    production, dev = rendered["production"], rendered["dev"]
    assert _config(production)["ACCORD_TEMPORAL_TLS"] == "true"
    for name in WORKLOADS:
        assert _secret_files(production, name)["accord-temporal"] == {"ACCORD_TEMPORAL_API_KEY"}
        assert "accord-temporal" not in _secret_files(dev, name)
    dev.named("Deployment", "accord-temporal")
    dev.named("Service", "accord-temporal")


def test_every_required_alert_exists_and_each_has_a_runbook_section(
    rendered: dict[str, Rendered],
) -> None:
    runbook = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    anchors = {
        _anchor(line.lstrip("#").strip()) for line in runbook.splitlines() if line.startswith("#")
    }
    for overlay in OVERLAYS:
        groups = rendered[overlay].named("PrometheusRule", "accord")["spec"]["groups"]
        alerts = {rule["alert"]: rule for group in groups for rule in group["rules"]}
        assert set(alerts) >= REQUIRED_ALERTS
        for name, alert in alerts.items():
            assert alert["annotations"]["runbook"] == f"docs/operations.md#{name.lower()}"
            assert name.lower() in anchors, f"docs/operations.md has no section {name}"


def test_the_dashboard_and_alerts_use_metrics_that_exist(rendered: dict[str, Rendered]) -> None:
    objects = rendered[OVERLAYS[0]]
    dashboard = json.loads(
        objects.named("ConfigMap", "accord-grafana-dashboard")["data"]["accord.json"]
    )
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    expressions += [
        rule["expr"]
        for group in objects.named("PrometheusRule", "accord")["spec"]["groups"]
        for rule in group["rules"]
    ]
    accord = {
        re.sub(r"_(total|bucket)$", "", m)
        for e in expressions
        for m in re.findall(r"accord_\w+", e)
    }
    assert accord <= set(ACCORD_METRICS), accord - set(ACCORD_METRICS)
    assert {panel["id"] for panel in dashboard["panels"]} == set(
        range(1, len(dashboard["panels"]) + 1)
    )


def _config(objects: Rendered) -> dict[str, str]:
    [config] = [
        c for c in objects.of_kind("ConfigMap") if c["metadata"]["name"].startswith("accord-config")
    ]
    data: dict[str, str] = config["data"]
    return data


def _secret_files(objects: Rendered, deployment: str) -> dict[str, set[str]]:
    """The Secrets a workload mounts, each with the file names it takes ("*": every key)."""
    files: dict[str, set[str]] = {}
    for volume in pod_spec(objects.named("Deployment", deployment))["volumes"]:
        for source in volume.get("projected", {}).get("sources", []):
            secret = source.get("secret")
            if secret is not None:
                items = secret.get("items")
                files[secret["name"]] = {item["path"] for item in items} if items else {"*"}
    return files


def _anchor(heading: str) -> str:
    # GitHub's anchors: lower case, punctuation dropped, spaces as hyphens.
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
