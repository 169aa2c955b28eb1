//! Parse + check (`check_text`) on typical specs. Goal: under 50 µs per typical spec.
//! Run: `cargo bench --bench check -- --warm-up-time 1 --measurement-time 3`.

use aml_compute_ls::check::{CheckOptions, check_text};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const MINIMAL_CLUSTER: &str = "\
name: cpu-cluster
type: amlcompute
size: Standard_DS3_v2
max_instances: 4
";

const FULL_CLUSTER: &str = "\
$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json
name: gpu-cluster
type: amlcompute
description: Training cluster with SSH, identity and a private network
size: Standard_NC24ads_A100_v4
location: eastus
tier: low_priority
min_instances: 0
max_instances: 8
idle_time_before_scale_down: 1800
ssh_public_access_enabled: true
ssh_settings:
  admin_username: azureuser
  ssh_key_value: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJJF6aJVCEHMT2LtdgHssukKs+b6KL4sKiskrIF9NBMh azureuser@devbox
network_settings:
  vnet_name: ml-vnet
  subnet: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-rg/providers/Microsoft.Network/virtualNetworks/ml-vnet/subnets/training
identity:
  type: system_assigned,user_assigned
  user_assigned_identities:
    - resource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cluster-identity
enable_node_public_ip: false
tags:
  team: vision
  cost_center: \"4711\"
";

const INSTANCE: &str = "\
$schema: https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json
name: notebook-vm
type: computeinstance
size: Standard_DS11_v2
idle_time_before_shutdown_minutes: 60
ssh_public_access_enabled: false
create_on_behalf_of:
  user_tenant_id: 11111111-1111-1111-1111-111111111111
  user_object_id: 22222222-2222-2222-2222-222222222222
schedules:
  compute_start_stop:
    - action: stop
      trigger:
        type: cron
        expression: 0 19 * * 1-5
        time_zone: W. Europe Standard Time
    - action: start
      state: enabled
      trigger:
        type: recurrence
        frequency: week
        interval: 1
        schedule:
          hours: [8]
          minutes: [0]
          week_days: [monday, tuesday, wednesday, thursday, friday]
custom_applications:
  - name: rstudio
    type: docker
    image:
      reference: ghcr.io/azure/rstudio-workbench:latest
    endpoints:
      - target: 8787
        published: 8788
    environment_variables:
      RSP_LICENSE: XXXX
  - name: jupyter-lab
    type: docker
    image:
      reference: jupyter/base-notebook:latest
    endpoints:
      - target: 8888
        published: 8889
    bind_mounts:
      - source: /home/azureuser/cloudfiles
        target: /home/jovyan/work
tags:
  team: forecasting
";

const ARM_AKS: &str = r#"{
  "name": "aks-prod",
  "location": "eastus",
  "properties": {
    "computeType": "AKS",
    "description": "Production inference cluster",
    "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-rg/providers/Microsoft.ContainerService/managedClusters/aks-prod",
    "properties": {
      "agentCount": 3,
      "agentVmSize": "Standard_D4s_v3",
      "clusterPurpose": "FastProd",
      "loadBalancerType": "PublicIp",
      "aksNetworkingConfiguration": {
        "subnetId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-rg/providers/Microsoft.Network/virtualNetworks/ml-vnet/subnets/aks",
        "serviceCidr": "10.0.0.0/16",
        "dnsServiceIP": "10.0.0.10",
        "dockerBridgeCidr": "172.17.0.1/16"
      }
    }
  }
}
"#;

/// Half-typed while editing: unclosed quote, key without colon, bad values.
const BROKEN: &str = "\
name: cpu-cluster-1
type: amlcompute
size: \"Standard_DS3_v
min_instances: 6
max_instances: 2
tier: spot
ssh_public_access_enabled: true
ssh_settings:
  admin_username: azureuser
  ssh_key_v
network_settings:
  vnet_name: ml-vnet
identity:
  type: user_assigned
  user_assigned_identities:
    - /subscriptions/<SUBSCRIPTION_ID>/resourceGroups/ml-rg
";

fn bench_check(c: &mut Criterion) {
    let options = CheckOptions::default();
    let specs: [(&str, &str, &str); 5] = [
        ("minimal_cluster", "cluster.yml", MINIMAL_CLUSTER),
        ("full_cluster", "cluster.yml", FULL_CLUSTER),
        ("instance_schedules_apps", "instance.yml", INSTANCE),
        ("arm_aks_json", "aks.json", ARM_AKS),
        ("broken_half_typed", "broken.yml", BROKEN),
    ];
    let mut group = c.benchmark_group("check_text");
    for (name, path, text) in specs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| check_text(black_box(text), Some(path), &options).diagnostics.len()));
    }
    group.finish();
}

criterion_group!(benches, bench_check);
criterion_main!(benches);
