//! What the emulator serves for live workspace checks, over real HTTP on loopback:
//! `checkComputeNameAvailability` with region-wide uniqueness, `vmSizes` of several regions with
//! prices, `usages` that follow the computes created and deleted, and refusals of changes to
//! immutable properties, each in ARM's error envelope.

use aml_compute_ls::emulator::{EMULATOR_TOKEN, EmulatorConfig, RunningEmulator};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const SUB: &str = "0e745469-49f8-48c9-873b-24ca87143db1";
const PROVIDER: &str = "Microsoft.MachineLearningServices";

struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    async fn start() -> (RunningEmulator, Api) {
        let config = EmulatorConfig { provisioning_delay: Duration::from_millis(100), ..EmulatorConfig::default() };
        let emulator = RunningEmulator::start(config).await.expect("emulator starts");
        let api = Api {
            base: emulator.endpoint(),
            client: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap(),
        };
        (emulator, api)
    }

    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut request = self
            .client
            .request(method, format!("{}{path}{sep}api-version=2025-12-01", self.base))
            .bearer_auth(EMULATOR_TOKEN);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("the emulator answers");
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() })
    }

    async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(Method::PUT, path, Some(body)).await
    }

    /// PUTs a compute and waits until it is provisioned (and a cluster's nodes are allocated).
    async fn create(&self, path: &str, body: &Value) {
        let (status, reply) = self.put(path, body).await;
        assert!(status.is_success(), "{status} {reply}");
        self.wait(path, |c| {
            c["properties"]["provisioningState"] == "Succeeded"
                && c["properties"]["properties"]["allocationState"] != "Resizing"
        })
        .await;
    }

    async fn wait(&self, path: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (_, body) = self.send(Method::GET, path, None).await;
            if done(&body) {
                return body;
            }
            assert!(Instant::now() < deadline, "{path} never settled: {body}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn availability(&self, ws: &str, body: &Value) -> (StatusCode, Value) {
        self.send(Method::POST, &format!("{}/checkComputeNameAvailability", ws_path(ws)), Some(body)).await
    }

    async fn usage(&self, region: &str, kind: &str, name: &str) -> (i64, i64) {
        let (status, body) = self
            .send(Method::GET, &format!("/subscriptions/{SUB}/providers/{PROVIDER}/locations/{region}/usages"), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        let usage = body["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["type"] == format!("{PROVIDER}/{kind}/usages") && u["name"]["value"] == name)
            .unwrap_or_else(|| panic!("no {kind} usage {name} in {body}"))
            .clone();
        (usage["currentValue"].as_i64().unwrap(), usage["limit"].as_i64().unwrap())
    }

    async fn sizes(&self, region: &str) -> Vec<Value> {
        let (status, body) = self
            .send(Method::GET, &format!("/subscriptions/{SUB}/providers/{PROVIDER}/locations/{region}/vmSizes"), None)
            .await;
        assert_eq!(status, StatusCode::OK);
        body["value"].as_array().unwrap().clone()
    }
}

fn ws_path(ws: &str) -> String {
    format!("/subscriptions/{SUB}/resourceGroups/rg/providers/{PROVIDER}/workspaces/{ws}")
}

fn compute_path(ws: &str, name: &str) -> String {
    format!("{}/computes/{name}", ws_path(ws))
}

fn cluster(min: i64, max: i64) -> Value {
    json!({"location": "eastus", "properties": {"computeType": "AmlCompute", "properties": {
        "vmSize": "Standard_DS3_v2", "scaleSettings": {"minNodeCount": min, "maxNodeCount": max}}}})
}

fn instance() -> Value {
    json!({"location": "eastus", "properties": {"computeType": "ComputeInstance", "properties": {
        "vmSize": "Standard_DS3_v2"}}})
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error.code>")
}

#[tokio::test]
async fn a_name_used_anywhere_in_the_region_is_not_available_and_elsewhere_it_is() {
    let (emulator, api) = Api::start().await;
    let (status, _) = api.put(&ws_path("ws-west"), &json!({"location": "westus2"})).await;
    assert_eq!(status, StatusCode::CREATED);
    api.create(&compute_path("ws-a", "shared-notebook"), &instance()).await;

    // The v1 SDK's request, from another workspace of the same region.
    let v1 = json!({"Name": "shared-notebook", "Type": "Microsoft.BatchAI/DataScienceInstance"});
    let (status, answer) = api.availability("ws-b", &v1).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["nameAvailable"], false);
    assert_eq!(answer["reason"], "AlreadyExists");
    assert!(answer["message"].as_str().unwrap().contains("unique across all existing computes within an Azure region"));
    // Names compare without case, and the workspace holding it gets the same answer.
    let (_, answer) = api.availability("ws-a", &json!({"name": "SHARED-NOTEBOOK", "type": "ComputeInstance"})).await;
    assert_eq!(answer["reason"], "AlreadyExists");
    // Another region does not share the name.
    let (_, answer) = api.availability("ws-west", &v1).await;
    assert_eq!((answer["nameAvailable"].clone(), answer["reason"].clone()), (json!(true), Value::Null));
    // And the create there succeeds, while the one in ws-b is refused as the answer said.
    let (status, _) = api.put(&compute_path("ws-west", "shared-notebook"), &instance()).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = api.put(&compute_path("ws-b", "shared-notebook"), &instance()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "Conflict"));
    emulator.stop().await;
}

#[tokio::test]
async fn a_name_that_breaks_the_rules_is_invalid_and_a_request_without_a_name_is_refused() {
    let (emulator, api) = Api::start().await;
    let (status, answer) = api.availability("ws1", &json!({"Name": "1-bad", "Type": "ComputeInstance"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((answer["nameAvailable"].clone(), answer["reason"].clone()), (json!(false), json!("Invalid")));
    assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    let (status, body) = api.availability("ws1", &json!({"Type": "ComputeInstance"})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "BadRequest"));
    assert!(body["error"]["message"].as_str().unwrap().contains("'Name'"));
    let (status, _) = api.send(Method::GET, &format!("{}/checkComputeNameAvailability", ws_path("ws1")), None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    emulator.stop().await;
}

#[tokio::test]
async fn usages_follow_the_nodes_allocated_as_computes_come_and_go() {
    let (emulator, api) = Api::start().await;
    let family = ("vmFamily/dedicatedCores", "standardDSv2Family");
    assert_eq!(api.usage("eastus", family.0, family.1).await, (0, 100));
    // A cluster holds its minimum: 2 nodes × 4 vCPUs; its maximum of 50 is not counted.
    api.create(&compute_path("ws1", "cpu-cluster"), &cluster(2, 50)).await;
    assert_eq!(api.usage("eastus", family.0, family.1).await.0, 8);
    assert_eq!(api.usage("eastus", "totalDedicatedCores", "TotalDedicatedCores").await.0, 8);
    assert_eq!(api.usage("eastus", "totalClusters", "TotalClusters").await.0, 1);
    // An instance holds its one VM.
    api.create(&compute_path("ws1", "notebook"), &instance()).await;
    assert_eq!(api.usage("eastus", family.0, family.1).await.0, 12);
    // Low priority draws on the low-priority totals.
    let mut low = cluster(3, 3);
    low["properties"]["properties"]["vmPriority"] = json!("LowPriority");
    api.create(&compute_path("ws1", "low-cluster"), &low).await;
    assert_eq!(api.usage("eastus", "vmFamily/lowPriorityCores", "standardDSv2Family").await, (12, -1));
    assert_eq!(api.usage("eastus", "totalLowPriorityCores", "TotalLowPriorityCores").await.0, 12);
    assert_eq!(api.usage("eastus", family.0, family.1).await.0, 12);
    // Scaling the minimum down gives nodes back; deleting gives back the rest.
    api.create(&compute_path("ws1", "cpu-cluster"), &cluster(0, 50)).await;
    assert_eq!(api.usage("eastus", family.0, family.1).await.0, 4);
    let (status, _) = api
        .send(Method::DELETE, &format!("{}?underlyingResourceAction=Delete", compute_path("ws1", "notebook")), None)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    api.wait(&compute_path("ws1", "notebook"), |c| c["error"]["code"] == "ResourceNotFound").await;
    assert_eq!(api.usage("eastus", family.0, family.1).await.0, 0);
    emulator.stop().await;
}

#[tokio::test]
async fn a_stopped_instance_created_to_release_quota_gives_its_vm_back() {
    let (emulator, api) = Api::start().await;
    let mut body = instance();
    body["properties"]["properties"]["releaseQuotaOnStop"] = json!(true);
    let path = compute_path("ws1", "thrifty");
    api.create(&path, &body).await;
    assert_eq!(api.usage("eastus", "vmFamily/dedicatedCores", "standardDSv2Family").await.0, 4);
    let (status, _) = api.send(Method::POST, &format!("{path}/stop"), None).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    api.wait(&path, |c| c["properties"]["properties"]["state"] == "Stopped").await;
    assert_eq!(api.usage("eastus", "vmFamily/dedicatedCores", "standardDSv2Family").await.0, 0);
    emulator.stop().await;
}

#[tokio::test]
async fn vm_sizes_of_every_region_carry_kinds_low_priority_and_prices() {
    let (emulator, api) = Api::start().await;
    let catalog = aml_compute_ls::check::catalog::Catalog::get();
    for region in ["eastus", "westeurope", "japanwest", "southcentralus"] {
        let sizes = api.sizes(region).await;
        assert!(sizes.len() > 50, "{region}: {}", sizes.len());
        for size in &sizes {
            let name = size["name"].as_str().unwrap();
            let types = size["supportedComputeTypes"].as_array().unwrap();
            assert!(!types.is_empty(), "{region} {name}: no supportedComputeTypes");
            let prices = &size["estimatedVMPrices"];
            assert_eq!(
                (prices["billingCurrency"].as_str(), prices["unitOfMeasure"].as_str()),
                (Some("USD"), Some("OneHour"))
            );
            let tiers: Vec<(&str, &str)> = prices["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p["osType"].as_str().unwrap(), p["vmTier"].as_str().unwrap()))
                .collect();
            assert!(tiers.contains(&("Linux", "Standard")) && tiers.contains(&("Windows", "Standard")), "{name}");
            let low = size["lowPriorityCapable"].as_bool().unwrap();
            assert_eq!(
                tiers.contains(&("Linux", "LowPriority")),
                low,
                "{region} {name}: low priority prices iff capable"
            );
            assert!(prices["values"].as_array().unwrap().iter().all(|p| p["retailPrice"].as_f64().unwrap() > 0.0));
        }
    }
    // The region's own retail price, to the cent; regions differ.
    let ds3 = catalog.size("Standard_DS3_v2").unwrap();
    for region in ["eastus", "japanwest"] {
        let sizes = api.sizes(region).await;
        let got = sizes.iter().find(|s| s["name"] == "Standard_DS3_v2").unwrap();
        let linux = got["estimatedVMPrices"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["osType"] == "Linux" && p["vmTier"] == "Standard")
            .unwrap()["retailPrice"]
            .as_f64()
            .unwrap();
        let want = (catalog.price(ds3, region).unwrap().payg * 100.0).round() / 100.0;
        assert_eq!(linux, want, "{region}");
    }
    // What one region offers, another may not.
    let a100 = |sizes: &[Value]| sizes.iter().any(|s| s["name"] == "Standard_NC24ads_A100_v4");
    assert!(a100(&api.sizes("eastus").await));
    assert!(!a100(&api.sizes("japanwest").await));
    emulator.stop().await;
}

#[tokio::test]
async fn changing_ssh_access_size_priority_or_subnet_of_a_cluster_is_refused() {
    let (emulator, api) = Api::start().await;
    let path = compute_path("ws1", "locked-cluster");
    let mut body = cluster(0, 4);
    body["properties"]["properties"]["remoteLoginPortPublicAccess"] = json!("Disabled");
    api.create(&path, &body).await;

    let mut open = body.clone();
    open["properties"]["properties"]["remoteLoginPortPublicAccess"] = json!("Enabled");
    let (status, reply) = api.put(&path, &open).await;
    assert_eq!((status, error_code(&reply)), (StatusCode::BAD_REQUEST, "PropertyChangeNotAllowed"));
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(message.contains("remoteLoginPortPublicAccess (now 'Disabled', requested 'Enabled')"), "{message}");
    assert_eq!(reply["componentName"], "machinelearningcompute", "the resource provider's envelope");

    let mut bigger = body.clone();
    bigger["properties"]["properties"]["vmSize"] = json!("Standard_DS4_v2");
    let (status, reply) = api.put(&path, &bigger).await;
    assert_eq!((status, error_code(&reply)), (StatusCode::BAD_REQUEST, "PropertyChangeNotAllowed"));
    assert!(reply["error"]["message"].as_str().unwrap().contains("vmSize"));

    let mut low = body.clone();
    low["properties"]["properties"]["vmPriority"] = json!("LowPriority");
    assert_eq!(error_code(&api.put(&path, &low).await.1), "PropertyChangeNotAllowed");

    let mut in_vnet = body.clone();
    in_vnet["properties"]["properties"]["subnet"] = json!({"id": format!(
        "/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default")});
    assert_eq!(error_code(&api.put(&path, &in_vnet).await.1), "PropertyChangeNotAllowed");

    // Nor move to another region.
    let mut moved = body.clone();
    moved["location"] = json!("westus2");
    let (status, reply) = api.put(&path, &moved).await;
    assert_eq!((status, error_code(&reply)), (StatusCode::CONFLICT, "InvalidResourceLocation"));
    assert!(reply["error"]["message"].as_str().unwrap().contains("already exists in location 'eastus'"));

    // Nor can it become another type: a conflict, in the resource provider's envelope.
    let (status, reply) = api.put(&path, &instance()).await;
    assert_eq!((status, error_code(&reply)), (StatusCode::CONFLICT, "Conflict"));
    assert!(reply["error"]["message"].as_str().unwrap().contains("cannot become 'ComputeInstance'"));

    // Scale settings may change, and restating the same SSH access is no change.
    let mut scaled = body.clone();
    scaled["properties"]["properties"]["scaleSettings"]["maxNodeCount"] = json!(8);
    assert_eq!(api.put(&path, &scaled).await.0, StatusCode::OK);
    emulator.stop().await;
}

#[tokio::test]
async fn a_cluster_created_without_ssh_access_keeps_what_it_resolved_to() {
    let (emulator, api) = Api::start().await;
    let path = compute_path("ws1", "default-cluster");
    api.create(&path, &cluster(0, 2)).await;
    let got = api.wait(&path, |c| c["properties"]["properties"]["remoteLoginPortPublicAccess"] != "NotSpecified").await;
    assert_eq!(got["properties"]["properties"]["remoteLoginPortPublicAccess"], "Enabled", "no VNet: open");
    // Sending NotSpecified again resolves the same way: no change.
    api.create(&path, &cluster(0, 3)).await;
    let mut closed = cluster(0, 3);
    closed["properties"]["properties"]["remoteLoginPortPublicAccess"] = json!("Disabled");
    assert_eq!(error_code(&api.put(&path, &closed).await.1), "PropertyChangeNotAllowed");
    emulator.stop().await;
}

#[tokio::test]
async fn an_instance_keeps_its_ssh_access_and_is_resized_only_while_stopped() {
    let (emulator, api) = Api::start().await;
    let path = compute_path("ws1", "my-notebook");
    api.create(&path, &instance()).await;
    let mut ssh = instance();
    ssh["properties"]["properties"]["sshSettings"] =
        json!({"sshPublicAccess": "Enabled", "adminPublicKey": "ssh-rsa AAAA"});
    let (status, reply) = api.put(&path, &ssh).await;
    assert_eq!((status, error_code(&reply)), (StatusCode::BAD_REQUEST, "PropertyChangeNotAllowed"));
    assert!(reply["error"]["message"].as_str().unwrap().contains("sshSettings.sshPublicAccess (now 'Disabled'"));

    let mut bigger = instance();
    bigger["properties"]["properties"]["vmSize"] = json!("Standard_DS4_v2");
    let (status, reply) = api.put(&path, &bigger).await;
    assert_eq!((status, error_code(&reply)), (StatusCode::BAD_REQUEST, "PropertyChangeNotAllowed"));
    assert!(reply["error"]["message"].as_str().unwrap().contains("only while it is stopped"));

    let (status, _) = api.send(Method::POST, &format!("{path}/stop"), None).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    api.wait(&path, |c| c["properties"]["properties"]["state"] == "Stopped").await;
    assert_eq!(api.put(&path, &bigger).await.0, StatusCode::OK, "a stopped instance may be resized");
    emulator.stop().await;
}

#[tokio::test]
async fn a_workspace_can_be_put_in_a_region_but_not_moved() {
    let (emulator, api) = Api::start().await;
    let (status, body) = api.put(&ws_path("ws-eu"), &json!({"location": "westeurope"})).await;
    assert_eq!((status, body["location"].as_str()), (StatusCode::CREATED, Some("westeurope")));
    let (status, body) = api.put(&ws_path("ws-eu"), &json!({"location": "eastus"})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "InvalidResourceLocation"));
    let (status, body) = api.put(&ws_path("ws-x"), &json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "LocationRequired"));
    emulator.stop().await;
}

#[tokio::test]
async fn quota_limits_set_through_the_control_endpoint_show_in_usages_and_bind_creates() {
    let (emulator, api) = Api::start().await;
    let quota = |body: Value| {
        let client = api.client.clone();
        let url = format!("{}/_emulator/quota", api.base);
        async move {
            let r = client.post(url).bearer_auth(EMULATOR_TOKEN).json(&body).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let (status, set) = quota(json!({"standardNCADSA100v4Family": 96, "TotalClusters": 5})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(set, json!({"standardncadsa100v4family": 96, "totalclusters": 5}));
    let family = ("vmFamily/dedicatedCores", "standardNCADSA100v4Family");
    assert_eq!(api.usage("eastus", family.0, family.1).await, (0, 96));
    assert_eq!(api.usage("eastus", "totalClusters", "TotalClusters").await.1, 5);
    let a100 = |min: i64| {
        json!({"location": "eastus", "properties": {"computeType": "AmlCompute", "properties": {
            "vmSize": "Standard_NC24ads_A100_v4", "scaleSettings": {"minNodeCount": min, "maxNodeCount": 4}}}})
    };
    api.create(&compute_path("ws1", "gpu-a"), &a100(2)).await;
    assert_eq!(api.usage("eastus", family.0, family.1).await, (48, 96));
    let (status, body) = api.put(&compute_path("ws1", "gpu-b"), &a100(3)).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "QuotaExceeded"));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Maximum allowed: 96, Current in use: 48, Additional requested: 72")
    );
    // null restores the default (24 for a GPU family).
    let (_, set) = quota(json!({"standardNCADSA100v4Family": null})).await;
    assert_eq!(set, json!({"totalclusters": 5}));
    assert_eq!(api.usage("eastus", family.0, family.1).await.1, 24);
    let (status, _) = quota(json!(["not", "an", "object"])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    emulator.stop().await;
}
