"""
Drives the sandbox with the official Kubernetes Python client (Debian package python3-kubernetes):
list (with paging), watch, create, patch (merge, strategic, JSON), dry run, logs, delete with
propagation and deletecollection, every answer deserialised into the client's typed models.

Usage: official_client_check.py KUBECONFIG CONTEXT. Prints one JSON object of observations on
stdout; any failed check raises (exit code 1) with the reason.
"""
import datetime
import json
import sys
import time

from kubernetes import client, config, watch

kubeconfig, context = sys.argv[1], sys.argv[2]
api_client = config.new_client_from_config(config_file=kubeconfig, context=context)
core = client.CoreV1Api(api_client)
apps = client.AppsV1Api(api_client)
seen = {}


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def wait_for(what, fn, timeout=40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def with_content_type(content_type):
    """An API object whose PATCH bodies go out as `content_type` (the client sends JSON/strategic by default)."""
    c = config.new_client_from_config(config_file=kubeconfig, context=context)
    c.set_default_header("Content-Type", content_type)
    return client.AppsV1Api(c)


def deployment(name, replicas=2, image="nginx:1.27"):
    labels = {"app": name}
    return client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name, labels=labels),
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[client.V1Container(name="web", image=image)]),
            ),
        ),
    )


# list, paged, typed
page = core.list_pod_for_all_namespaces(limit=5)
check(isinstance(page, client.V1PodList) and len(page.items) == 5, "a first page of 5 V1Pods")
check(isinstance(page.items[0], client.V1Pod) and isinstance(page.items[0].metadata.creation_timestamp, datetime.datetime), "typed pods with datetime timestamps")
total = len(page.items)
token = page.metadata._continue
while token:
    nxt = core.list_pod_for_all_namespaces(limit=500, _continue=token)
    check(nxt.metadata.resource_version == page.metadata.resource_version, "later pages keep the first page's resourceVersion")
    total += len(nxt.items)
    token = nxt.metadata._continue
seen["pods_listed"] = total
deps = apps.list_namespaced_deployment("shop")
check(all(isinstance(d.spec.replicas, int) for d in deps.items), "typed deployments")

# create
ns = core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="py")))
check(isinstance(ns, client.V1Namespace) and ns.status.phase == "Active", "namespace created Active")
created = apps.create_namespaced_deployment("py", deployment("web"))
check(isinstance(created, client.V1Deployment) and created.spec.strategy.type == "RollingUpdate", "deployment created and defaulted")
wait_for("web ready", lambda: (apps.read_namespaced_deployment("web", "py").status.ready_replicas or 0) == 2)

# dry run: the answer shows the change, the stored object does not
dry = apps.patch_namespaced_deployment("web", "py", {"spec": {"replicas": 5}}, dry_run="All")
check(dry.spec.replicas == 5, "dry-run answer has the change")
check(apps.read_namespaced_deployment("web", "py").spec.replicas == 2, "dry-run stored nothing")
dry_created = apps.create_namespaced_deployment("py", deployment("ghost"), dry_run="All")
check(dry_created.metadata.name == "ghost" and dry_created.metadata.resource_version is None, "dry-run create answered without a version")
check(not [d for d in apps.list_namespaced_deployment("py").items if d.metadata.name == "ghost"], "dry-run create stored nothing")

# watch: a typed MODIFIED event for a patch made after the list
rv = apps.list_namespaced_deployment("py").metadata.resource_version
merge = with_content_type("application/merge-patch+json").patch_namespaced_deployment("web", "py", {"metadata": {"labels": {"tier": "gold"}}})
check(merge.metadata.labels == {"app": "web", "tier": "gold"}, "merge patch added a label")
w = watch.Watch()
event = None
for e in w.stream(apps.list_namespaced_deployment, "py", resource_version=rv, timeout_seconds=20):
    if e["type"] == "MODIFIED" and (e["object"].metadata.labels or {}).get("tier") == "gold":
        event = e
        w.stop()
check(event is not None and isinstance(event["object"], client.V1Deployment), "a typed MODIFIED watch event")

# strategic merge patch (the client's default for a dict body): containers merge by name
sm = apps.patch_namespaced_deployment("web", "py", {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]}}}})
check([c.image for c in sm.spec.template.spec.containers] == ["nginx:1.28"], "strategic merge patched the container image")
check(sm.metadata.generation == 2, "a template change bumps generation")
# JSON patch (a list body)
jp = apps.patch_namespaced_deployment("web", "py", [{"op": "replace", "path": "/spec/replicas", "value": 3}])
check(jp.spec.replicas == 3, "JSON patch set replicas")
wait_for("3 updated ready replicas", lambda: (apps.read_namespaced_deployment("web", "py").status.updated_replicas or 0) == 3 and (apps.read_namespaced_deployment("web", "py").status.ready_replicas or 0) == 3)

# invalid writes answer Status bodies the client turns into ApiException
try:
    apps.create_namespaced_deployment("py", deployment("Bad_Name"))
    raise AssertionError("an invalid name was accepted")
except client.ApiException as e:
    body = json.loads(e.body)
    check(e.status == 422 and body["details"]["causes"][0]["field"] == "metadata.name", "422 with causes")

# logs of a running pod
pods = core.list_namespaced_pod("py", label_selector="app=web")
check(all(isinstance(p, client.V1Pod) for p in pods.items), "typed pods by label selector")
# Not one of the old ReplicaSet's pods on its way out (they still say Running while terminating).
def read_log():
    pods = core.list_namespaced_pod("py", label_selector="app=web")
    for p in pods.items:
        if p.status.phase == "Running" and p.metadata.deletion_timestamp is None:
            try:
                return core.read_namespaced_pod_log(p.metadata.name, "py", tail_lines=3)
            except client.ApiException as e:
                if e.status != 404:
                    raise
    return None
log = wait_for("a running pod's log", read_log)
check(isinstance(log, str) and len(log.strip().split("\n")) == 3, "three log lines")
seen["log_lines"] = log.strip().split("\n")

# delete with propagation: Orphan keeps the ReplicaSet, Foreground removes dependents before the owner
apps.create_namespaced_deployment("py", deployment("orphan", replicas=1))
wait_for("orphan ready", lambda: (apps.read_namespaced_deployment("orphan", "py").status.ready_replicas or 0) == 1)
status = apps.delete_namespaced_deployment("orphan", "py", propagation_policy="Orphan")
check(isinstance(status, client.V1Status) and status.status == "Success", "deleting answered a V1Status")
rs = wait_for("the orphaned ReplicaSet", lambda: [r for r in apps.list_namespaced_replica_set("py", label_selector="app=orphan").items if not r.metadata.owner_references])
check(len(rs) == 1 and isinstance(rs[0], client.V1ReplicaSet), "the ReplicaSet survived its Deployment, without ownerReferences")
apps.delete_namespaced_deployment("web", "py", propagation_policy="Foreground")
marked = apps.read_namespaced_deployment("web", "py")
check(marked.metadata.deletion_timestamp is not None and "foregroundDeletion" in (marked.metadata.finalizers or []), "foreground deletion marks the owner")


def web_gone():
    try:
        apps.read_namespaced_deployment("web", "py")
        return False
    except client.ApiException as e:
        return e.status == 404


wait_for("web deleted after its dependents", web_gone)
check(not apps.list_namespaced_replica_set("py", label_selector="app=web").items, "web's ReplicaSets are gone")

# deletecollection by label selector, dry run first
before = len(core.list_namespaced_pod("py", label_selector="app=orphan").items)
core.delete_collection_namespaced_pod("py", label_selector="app=orphan", dry_run="All")
check(all(p.metadata.deletion_timestamp is None for p in core.list_namespaced_pod("py", label_selector="app=orphan").items), "dry-run deletecollection kept the pods")
core.delete_collection_namespaced_pod("py", label_selector="app=orphan", grace_period_seconds=0)
seen["orphan_pods_deleted"] = before

print(json.dumps(seen))
