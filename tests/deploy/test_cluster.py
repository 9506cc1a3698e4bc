"""The rendered overlays fit a real cluster: autoscalers, drains, DNS, the edge, Prometheus."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.support.manifests import DEPLOY, OVERLAYS, Manifest, Rendered, pod_spec, render

pytestmark = pytest.mark.processes

NODE_LOCAL_DNS = "169.254.20.10/32"
CLUSTER_FILE = "cluster.yaml"
MONITORING_KINDS = ("PodMonitor", "PrometheusRule")
# Temporal Cloud with an API key: the regional endpoint, and the namespace id <name>.<account>.
REGIONAL_ENDPOINT = re.compile(r"^[a-z0-9-]+\.(aws|gcp|azure)\.api\.temporal\.io:7233$")
NAMESPACE_ID = re.compile(r"^[a-z0-9-]+\.[a-z0-9]+$")


def _config(objects: Rendered) -> dict[str, str]:
    [config] = [
        c for c in objects.of_kind("ConfigMap") if c["metadata"]["name"].startswith("accord-config")
    ]
    data: dict[str, str] = config["data"]
    return data


def _cluster(overlay: str, deploy: Path = DEPLOY) -> dict[str, str]:
    document = yaml.safe_load((deploy / "overlays" / overlay / CLUSTER_FILE).read_text())
    data: dict[str, str] = document["data"]
    return data


def _admitted_namespaces(policy: Manifest, port: str) -> set[str]:
    return {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for rule in policy["spec"].get("ingress", [])
        if any(p.get("port") == port for p in rule.get("ports", []))
        for peer in rule.get("from", [])
    }


def _monitoring_objects(objects: Rendered) -> list[Manifest]:
    found = [o for kind in MONITORING_KINDS for o in objects.of_kind(kind)]
    return [*found, objects.named("ConfigMap", "accord-grafana-dashboard")]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_replicas_where_an_autoscaler_owns_the_count(
    overlay: str, rendered: dict[str, Rendered]
) -> None:
    objects = rendered[overlay]
    scaled = {
        o["spec"]["scaleTargetRef"]["name"]
        for kind in ("HorizontalPodAutoscaler", "ScaledObject")
        for o in objects.of_kind(kind)
    }
    assert scaled >= {"accord-worker", "accord-api"}
    for name in scaled:
        assert "replicas" not in objects.named("Deployment", name)["spec"], name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_drains_may_evict_unready_pods(overlay: str, rendered: dict[str, Rendered]) -> None:
    budgets = rendered[overlay].of_kind("PodDisruptionBudget")
    assert budgets
    for budget in budgets:
        assert budget["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow", budget


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_prometheus_and_grafana_find_the_monitors_rules_and_dashboard(
    overlay: str, rendered: dict[str, Rendered]
) -> None:
    objects = rendered[overlay]
    release = _cluster(overlay)["prometheusRelease"]
    assert release == "kube-prometheus-stack"
    for manifest in _monitoring_objects(objects):
        assert manifest["metadata"]["labels"]["release"] == release, manifest["metadata"]
    dashboard = objects.named("ConfigMap", "accord-grafana-dashboard")
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert {m["metadata"]["name"] for m in objects.of_kind("PodMonitor")} == {
        "accord-worker",
        "accord-api",
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_api_is_reached_through_the_ingress_or_the_gateway_and_only_there(
    overlay: str, rendered: dict[str, Rendered]
) -> None:
    objects = rendered[overlay]
    cluster = _cluster(overlay)
    host = urlsplit(_config(objects)["ACCORD_PUBLIC_URL"]).hostname
    ingress = objects.named("Ingress", "accord-api")["spec"]
    route = objects.named("HTTPRoute", "accord-api")["spec"]
    assert [rule["host"] for rule in ingress["rules"]] == [host]
    assert ingress["tls"][0]["hosts"] == [host]
    assert route["hostnames"] == [host]
    assert ingress["ingressClassName"] == cluster["ingressClassName"]
    [parent] = route["parentRefs"]
    assert (parent["name"], parent["namespace"]) == (
        cluster["gatewayName"],
        cluster["gatewayNamespace"],
    )
    policy = objects.named("NetworkPolicy", "accord-api")
    assert _admitted_namespaces(policy, "http") == {
        cluster["ingressControllerNamespace"],
        cluster["gatewayProxyNamespace"],
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_api_metrics_are_scraped_by_prometheus_and_never_served_publicly(
    overlay: str, rendered: dict[str, Rendered]
) -> None:
    objects = rendered[overlay]
    [container] = pod_spec(objects.named("Deployment", "accord-api"))["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports["metrics"] == int(_config(objects)["ACCORD_API_METRICS_PORT"])
    service_ports = objects.named("Service", "accord-api")["spec"]["ports"]
    assert {p["targetPort"] for p in service_ports} == {"http"}
    monitor = objects.named("PodMonitor", "accord-api")["spec"]
    assert monitor["selector"]["matchLabels"]["app.kubernetes.io/component"] == "api"
    assert [e["port"] for e in monitor["podMetricsEndpoints"]] == ["metrics"]
    monitoring = _cluster(overlay)["monitoringNamespace"]
    for name in ("accord-api", "accord-worker"):
        policy = objects.named("NetworkPolicy", name)
        assert _admitted_namespaces(policy, "metrics") == {monitoring}, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_resolves_names_with_or_without_node_local_dns(
    overlay: str, rendered: dict[str, Rendered]
) -> None:
    objects = rendered[overlay]
    dns = objects.named("NetworkPolicy", "accord-dns")["spec"]
    assert dns["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "accord"}}
    [rule] = dns["egress"]
    assert {(p["port"], p["protocol"]) for p in rule["ports"]} == {(53, "UDP"), (53, "TCP")}
    peers: list[dict[str, Any]] = rule["to"]
    assert {"ipBlock": {"cidr": NODE_LOCAL_DNS}} in peers
    assert {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
    } in peers
    for deployment in objects.of_kind("Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "accord", "accord-dns selects every pod"


def test_production_reaches_temporal_cloud_at_the_endpoint_its_api_key_needs(
    rendered: dict[str, Rendered],
) -> None:
    objects = rendered["production"]
    config = _config(objects)
    assert REGIONAL_ENDPOINT.match(config["ACCORD_TEMPORAL_ADDRESS"])
    assert NAMESPACE_ID.match(config["ACCORD_TEMPORAL_NAMESPACE"])
    [trigger] = objects.named("ScaledObject", "accord-worker")["spec"]["triggers"]
    assert trigger["metadata"]["endpoint"] == config["ACCORD_TEMPORAL_ADDRESS"]
    assert trigger["metadata"]["enableTLS"] == "true"


def test_what_the_cluster_runs_is_set_in_one_place(tmp_path: Path) -> None:
    deploy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, deploy)
    changed = {
        "gatewayName": "edge",
        "gatewayNamespace": "gateways",
        "gatewayProxyNamespace": "envoy-gateway-system",
        "ingressClassName": "traefik",
        "ingressControllerNamespace": "traefik",
        "monitoringNamespace": "observability",
        "prometheusRelease": "prom",
    }
    path = deploy / "overlays" / "production" / CLUSTER_FILE
    document = yaml.safe_load(path.read_text())
    assert set(document["data"]) == set(changed), "a new value needs a line here"
    document["data"] = changed
    path.write_text(yaml.safe_dump(document))

    objects = render("production", deploy)

    assert _cluster("production", deploy) == changed
    [parent] = objects.named("HTTPRoute", "accord-api")["spec"]["parentRefs"]
    assert (parent["name"], parent["namespace"]) == ("edge", "gateways")
    assert objects.named("Ingress", "accord-api")["spec"]["ingressClassName"] == "traefik"
    api_policy = objects.named("NetworkPolicy", "accord-api")
    assert _admitted_namespaces(api_policy, "http") == {"traefik", "envoy-gateway-system"}
    assert _admitted_namespaces(api_policy, "metrics") == {"observability"}
    worker_policy = objects.named("NetworkPolicy", "accord-worker")
    assert _admitted_namespaces(worker_policy, "metrics") == {"observability"}
    for manifest in _monitoring_objects(objects):
        assert manifest["metadata"]["labels"]["release"] == "prom"
    assert not [o for o in objects.objects if o["metadata"]["name"] == "accord-cluster"]
