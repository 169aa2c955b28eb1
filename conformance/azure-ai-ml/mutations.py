"""Seeded mutations of real specs, each aimed at one rule family.

A mutation is (name, family, kinds, variants, apply): `apply(spec, variant)` changes the loaded
spec (a dict) in place, or returns False when it does not apply. Text mutations (family syntax)
rewrite the rendered YAML instead, for what only the surface syntax can express (YAML 1.1
dates, tags, tabs, merge keys).
"""

SUB = "00000000-0000-0000-0000-000000000000"
RG = f"/subscriptions/{SUB}/resourceGroups/ml-rg"
VM_ID = f"{RG}/providers/Microsoft.Compute/virtualMachines/dsvm01"
AKS_ID = f"{RG}/providers/Microsoft.ContainerService/managedClusters/aks01"
ARC_ID = f"{RG}/providers/Microsoft.Kubernetes/connectedClusters/arc01"
SYNAPSE_ID = f"{RG}/providers/Microsoft.Synapse/workspaces/syn01/bigDataPools/pool01"
UAI_ID = f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai01"
SUBNET_ID = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet01/subnets/default"
SSH_KEY = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDWm/4TTHMZdzZVJcob2aFRWDmIyJLxk028AKh7K03RDgR8bz/Knd9Dg"
           "B2V3sipjY9wYJ1U9YbsUoAt24+CWZFpnoB79J6vaoqwUb7c6nGkaNrWoGZKI+v26GOX8O2MUjjOyBuPEinJtQ432J4"
           "affHfeRI+1iDQXuwFUKhNbRVpxh2h9otXF+J1UvSUaPYggS7Iivyha/x8HJzFcNnIPrAZkPiT/Nb/Qk7FyoFTEw64c"
           "Il1ByvmF3ewSOeVXKDpb2d4vrSDTVmXFKRrWduhM3sHO5dckREKc+tSQ0M+SpfBqaBgRTAie4jFVSIiSHCvL2BRQXBMRiy"
           "PgNlpiJWTPLp/ azureuser@devbox")

class ServiceRejects:
    """A variant the SDK lets through but the service refuses: when both sides accept it, we
    missed a service rule. `rule` says which, `source` where it is written."""

    def __init__(self, value, rule, source):
        self.value, self.rule, self.source = value, rule, source

    def __repr__(self):
        return repr(self.value)


TAG_LIMITS = "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations"
DNS_LABEL = "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names"
VM_CREDENTIALS = ("azure-ai-ml 1.35.2 entities/_compute/virtual_machine_compute.py, VirtualMachineSshSettings: "
                  "admin_password 'Required if ssh_private_key_file is not specified' and the reverse")
SIZE_NAMES = "REST vmSizes list (../shared/research/azure-compute-facts.md §3.7): size names have no spaces"


def tags_over(n):
    return ServiceRejects(n, f"ARM allows at most 50 tags (got {n})", TAG_LIMITS)


CLUSTER, INSTANCE = ("amlcompute",), ("computeinstance",)
CREATED = ("amlcompute", "computeinstance")
ATTACHED = ("kubernetes", "virtualmachine", "synapsespark")
ALL = CREATED + ATTACHED


def setter(key):
    def apply(spec, value):
        if value is DELETE:
            if key not in spec:
                return False
            del spec[key]
        else:
            spec[key] = value
        return True
    return apply


class _Delete:
    """Removes the key instead of setting it."""

    def __repr__(self):
        return "DELETE"

    def __deepcopy__(self, memo):
        return self


DELETE = _Delete()


SCHEMA_BASE = "https://azuremlschemas.azureedge.net/latest/"


def strip_kind(spec, keep_schema):
    """No `type` (and, unless keep_schema, no `$schema`): what the CLI does with a half-typed file."""
    spec.pop("type", None)
    if not keep_schema:
        spec.pop("$schema", None)
    return True


def node_counts(spec, pair):
    spec["min_instances"], spec["max_instances"] = pair
    return True


def add_unknown(spec, key):
    spec[key] = "x"
    return True


def tags_many(spec, n):
    spec["tags"] = {f"k{i}": "v" for i in range(n)}
    return True


VALUE_MUTATIONS = [
    ("name", "names", ALL, [
        "a", "ab", "abc", "cpu", "c" * 16, "c" * 17, "c" * 24, "c" * 25, "c" * 33, "Cpu-Cluster", "cpu_cluster",
        "1cpu", "cpu-", "cpu--x", "cpu.cluster", "cpu cluster", "", 123, None, "-cpu", "cpu-cluster-01",
    ], setter("name")),
    ("type", "schema", ALL, ["AmlCompute", "AMLCOMPUTE", "ComputeInstance", "amlcompute ", "foo", "aks", DELETE],
     setter("type")),
    ("schema-url", "schema", ALL, [
        SCHEMA_BASE + "amlCompute.schema.json", SCHEMA_BASE + "computeInstance.schema.json",
        SCHEMA_BASE + "vmCompute.schema.json", SCHEMA_BASE + "kubernetesCompute.schema.json",
        SCHEMA_BASE + "synapseSparkCompute.schema.json", "https://example.com/other.json", 123, DELETE,
    ], setter("$schema")),
    ("no-type", "schema", ALL, [True, False], strip_kind),
    ("unknown-field", "schema", ALL, ["max_nodes", "vm_size", "Name", "properties", "compute_type"], add_unknown),
    ("description", "schema", ALL, [123, True, "", "d" * 5000, ["a"], {"a": 1}], setter("description")),
    ("location-type", "schema", ALL, [1, None, ["eastus"]], setter("location")),
    ("tags", "schema", ALL, [{"team": 1}, {"team": None}, ["a", "b"], "team=ml", {}, {1: "a"}, {"a": True}],
     setter("tags")),
    ("tags-count", "schema", ALL, [50, tags_over(51)], tags_many),
    ("tags-key", "schema", ALL, [
        {"k" * 512: "v"}, ServiceRejects({"k" * 513: "v"}, "a tag name is at most 512 characters", TAG_LIMITS),
        ServiceRejects({"a<b": "v"}, "a tag name cannot contain < > % & \\ ? /", TAG_LIMITS),
        ServiceRejects({"a/b": "v"}, "a tag name cannot contain < > % & \\ ? /", TAG_LIMITS),
        ServiceRejects({"k": "v" * 257}, "a tag value is at most 256 characters", TAG_LIMITS), {"k": "v" * 256},
    ], setter("tags")),
    ("required-name", "schema", ALL, [DELETE], setter("name")),
    ("required-resource-id", "schema", ATTACHED, [DELETE], setter("resource_id")),
    ("namespace", "schema", ("kubernetes",), [
        "default", ServiceRejects("Bad_NS", "a Kubernetes namespace is a DNS label (lower case)", DNS_LABEL), "n" * 63,
        ServiceRejects("n" * 64, "a Kubernetes namespace is at most 63 characters", DNS_LABEL),
        ServiceRejects("-ns", "a Kubernetes namespace starts with a letter or digit", DNS_LABEL), DELETE, 5,
    ],
     setter("namespace")),
    ("size", "sizes", CREATED, [
        "Standard_DS3_v2", "standard_ds3_v2", "STANDARD_DS3_V2",
        ServiceRejects("Standard_DS3_v2 ", "a size with trailing whitespace is not a size", SIZE_NAMES),
        ServiceRejects(" Standard_DS3_v2", "a size with leading whitespace is not a size", SIZE_NAMES), "Standard_Foo_v9",
        "", "Standard_NC6", "Standard_NV6", "Standard_D2_v2", "Standard_NC6s_v3", 5, DELETE,
    ], setter("size")),
    ("tier", "sizes", CLUSTER, ["dedicated", "low_priority", "LowPriority", "lowpriority", "Dedicated", "spot", 1],
     setter("tier")),
    ("location", "sizes", CREATED, ["eastus", "East US", "westeurope", "nowhere", "EASTUS", ""], setter("location")),
    ("node-counts", "nodes", CLUSTER, [
        (0, 4), (4, 0), (-1, 2), (0, 0), (2, 2), (1.5, 3), (0, 10000), ("1", "3"), (True, 2), (0, None), (None, 4),
        (0, "four"), (1, 2.0), (0, 1e3),
    ], node_counts),
    ("idle-scale-down", "nodes", CLUSTER, [-1, 0, 60, 120, 1.5, "PT2M", 604800, 604801, 10 ** 10, "120", None],
     setter("idle_time_before_scale_down")),
    ("idle-shutdown-minutes", "nodes", INSTANCE, [0, 15, 14, 1.5, -1, 20160, 100000, "30", False, None],
     setter("idle_time_before_shutdown_minutes")),
    ("idle-shutdown-iso", "nodes", INSTANCE, ["PT30M", "PT15M", "30", "PT1H", 30], setter("idle_time_before_shutdown")),
    ("ssh-public-access", "security", CREATED, [True, False, 1, 0, "yes", "true", "maybe", None],
     setter("ssh_public_access_enabled")),
    ("cluster-ssh", "security", CLUSTER, [
        {"admin_username": "azureuser", "ssh_key_value": SSH_KEY}, {"admin_username": "azureuser", "admin_password": "P@ssw0rd-1234"},
        {"admin_username": "azureuser"}, {"admin_username": "azureuser", "ssh_key_value": "not a key"}, {},
        {"ssh_key_value": SSH_KEY}, "azureuser",
    ], setter("ssh_settings")),
    ("instance-ssh", "security", INSTANCE, [{"ssh_key_value": SSH_KEY}, {"ssh_key_value": "not a key"}, {},
                                            {"admin_username": "x"}], setter("ssh_settings")),
    ("vm-ssh", "security", ("virtualmachine",), [
        {"admin_username": "azureuser", "ssh_port": 22, "ssh_private_key_file": "keys/id_rsa"},
        {"admin_username": "azureuser", "ssh_port": 22, "ssh_private_key_file": "~/.ssh/id_rsa"},
        {"admin_username": "azureuser", "ssh_port": 22, "admin_password": "P@ssw0rd-1234"},
        ServiceRejects({"admin_username": "azureuser", "ssh_port": 22},
                       "an attached VM with a user name needs a password or a private key", VM_CREDENTIALS),
        {"admin_username": "azureuser", "ssh_private_key_file": "keys/missing_key"},
        {"admin_username": "azureuser", "ssh_port": "22", "ssh_private_key_file": "keys/id_rsa"},
        {"admin_username": "azureuser", "ssh_port": 70000, "ssh_private_key_file": "keys/id_rsa"},
        {}, DELETE,
    ], setter("ssh_settings")),
    ("identity", "security", ("amlcompute", "computeinstance", "kubernetes", "synapsespark"), [
        {"type": "system_assigned"}, {"type": "SystemAssigned"}, {"type": "user_assigned"},
        {"type": "user_assigned", "user_assigned_identities": [{"resource_id": UAI_ID}]},
        {"type": "system_assigned,user_assigned", "user_assigned_identities": [{"resource_id": UAI_ID}]},
        {"type": "system_assigned, user_assigned", "user_assigned_identities": [{"resource_id": UAI_ID}]},
        {"type": "none"}, {"type": "managed"}, {}, "system_assigned", {"type": "system_assigned", "extra": 1},
    ], setter("identity")),
    ("network", "network", CREATED, [
        {"vnet_name": "vnet01", "subnet": "default"}, {"subnet": SUBNET_ID}, {"vnet_name": "vnet01"}, {},
        {"subnet": "/subscriptions/bad"}, {"vnet_name": "other", "subnet": SUBNET_ID}, "vnet01",
    ], setter("network_settings")),
    ("node-public-ip", "network", CREATED, [True, False, "no", 0], setter("enable_node_public_ip")),
    ("resource-id", "resource-ids", ATTACHED, [
        VM_ID, AKS_ID, ARC_ID, SYNAPSE_ID, "/subscriptions/bad", "", f"{RG}/providers/Microsoft.Foo/bars/x", VM_ID.lower(),
        VM_ID + "/", 42,
    ], setter("resource_id")),
    ("uai-resource-id", "resource-ids", ("amlcompute", "computeinstance"), [
        UAI_ID, "/subscriptions/bad", f"{RG}/providers/Microsoft.Compute/virtualMachines/x", "",
    ], lambda spec, rid: setter("identity")(spec, {"type": "user_assigned", "user_assigned_identities": [{"resource_id": rid}]})),
]


def replace_line(key, new):
    """Replace the top-level line `key: ...` (or append) with `new`."""
    def apply(text):
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if line.startswith(key + ":") and (len(line) == len(key) + 1 or line[len(key) + 1] in " \t"):
                lines[i] = new
                return "\n".join(lines)
        return text.rstrip("\n") + "\n" + new + "\n"
    return apply


def tab_after_colon(text):
    return text.replace("name: ", "name:\t", 1) if "name: " in text else None


def tab_after_value(text):
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("name: "):
            lines[i] = line + "\t"
            return "\n".join(lines)
    return None


def explicit_key(text):
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("name: "):
            lines[i] = "? name\n: " + line[len("name: "):]
            return "\n".join(lines)
    return None


def merge_keys(text):
    """Move the node counts (or, for other kinds, the description) into a `<<:` merge."""
    lines = text.split("\n")
    if any(line.startswith("min_instances:") for line in lines):
        kept = [line for line in lines if not line.startswith(("min_instances:", "max_instances:"))]
        return "\n".join(kept).rstrip("\n") + "\n<<: {min_instances: 0, max_instances: 2}\n"
    kept = [line for line in lines if not line.startswith("description:")]
    return "\n".join(kept).rstrip("\n") + "\n<<: {description: merged text}\n"


def overridden_duplicate(text):
    """A wrong first value that a later duplicate key overrides (PyYAML keeps the last)."""
    kept = [line for line in text.split("\n") if not line.startswith("description:")]
    return "description: [not, a, string]\n" + "\n".join(kept).rstrip("\n") + "\ndescription: the last one wins\n"


def alias_description(text):
    return replace_line("description", "description: &d shared text")(text).rstrip("\n") + "\ntags: {about: *d}\n"


def instance_start_time(value):
    def apply(text):
        if "type: computeinstance" not in text:
            return None
        kept = [line for line in text.split("\n")]
        out, skip = [], False
        for line in kept:
            if line.startswith("schedules:"):
                skip = True
                continue
            if skip and (line.startswith(" ") or line.startswith("-")):
                continue
            skip = False
            out.append(line)
        return "\n".join(out).rstrip("\n") + (
            "\nschedules:\n  compute_start_stop:\n  - action: stop\n    trigger:\n      type: cron\n"
            f"      start_time: {value}\n      time_zone: UTC\n      expression: 0 18 * * 1-5\n")
    return apply


TEXT_MUTATIONS = [
    ("yaml-date-description", "syntax", replace_line("description", "description: 2024-05-01")),
    ("yaml-timestamp-description", "syntax", replace_line("description", "description: 2026-01-01T18:00:00")),
    ("yaml-date-tag", "syntax", replace_line("tags", "tags:\n  since: 2024-05-01")),
    ("yaml-int-tag", "syntax", replace_line("tags", "tags:\n  cost_center: 1234")),
    ("yaml-custom-tag", "syntax", replace_line("description", "description: !Ref Desc")),
    ("yaml-str-tag", "syntax", replace_line("description", "description: !!str 2024-05-01")),
    ("yaml-tab-after-colon", "syntax", tab_after_colon),
    ("yaml-tab-after-value", "syntax", tab_after_value),
    ("yaml-explicit-key", "syntax", explicit_key),
    ("yaml-merge-key", "syntax", merge_keys),
    ("yaml-alias", "syntax", alias_description),
    ("yaml-bool-one", "syntax", replace_line("ssh_public_access_enabled", "ssh_public_access_enabled: 1")),
    ("yaml-bool-yes", "syntax", replace_line("ssh_public_access_enabled", "ssh_public_access_enabled: yes")),
    ("yaml-inf-max", "syntax", replace_line("max_instances", "max_instances: .inf")),
    ("yaml-nan-min", "syntax", replace_line("min_instances", "min_instances: .nan")),
    ("yaml-octal-max", "syntax", replace_line("max_instances", "max_instances: 010")),
    ("yaml-sexagesimal-idle", "syntax", replace_line("idle_time_before_scale_down", "idle_time_before_scale_down: 2:00")),
    ("yaml-start-time-unquoted", "syntax", instance_start_time("2026-01-01T18:00:00")),
    ("yaml-start-time-quoted", "syntax", instance_start_time('"2026-01-01T18:00:00"')),
    ("yaml-empty-document", "syntax", lambda text: "# nothing here\n"),
    ("yaml-top-level-list", "syntax", lambda text: "- " + text.replace("\n", "\n  ").rstrip() + "\n"),
    ("yaml-second-document", "syntax", lambda text: text + "---\nname: other\n"),
    ("yaml-duplicate-key", "syntax", lambda text: text + "name: second-name\n"),
    ("yaml-overridden-duplicate", "syntax", overridden_duplicate),
]
