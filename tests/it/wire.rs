//! What goes on the wire, refereed by the published REST spec (issue 16): the exact bytes
//! `create`/`attach` send for every file in `examples/`, every valid fixture (each compute type
//! in both the CLI YAML and the ARM form) and bodies pasted from GET replies are captured on a
//! loopback server and validated against `ComputeResource`: no read-only field, right types,
//! required fields present, closed enums respected, no field the spec does not define. Known
//! differences between azure-ai-ml 1.35.2 and the stored spec are in
//! `src/emulator/wire_exceptions.json`, each with its reason, and every one must still be needed.
//!
//! Two referees: the emulator's embedded copy of the definitions (always), and the REST spec
//! files themselves (`research/rest-api` beside the corpus, found by `build.rs`; these tests are
//! ignored on a fresh clone without them and required in CI), which also
//! check that the embedded copy and the read-only table of `arm::read_only` are derived from
//! them exactly; `UPDATE_EXPECT=1` regenerates the embedded copy).

use crate::support;

use aml_compute_ls::actions::{self, Connection, Op, SpecFile, Target, Ui};
use aml_compute_ls::arm::read_only;
use aml_compute_ls::arm::{ClientOptions, Credential, PartialWorkspace, WorkspaceEnv};
use aml_compute_ls::emulator::COMPUTE_TYPES;
use aml_compute_ls::emulator::rest_schema::{self, Exception, RestSchema, Violation};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::capture::CaptureServer;
use support::shared::rest_api_dir;

struct Yes;

impl Ui for Yes {
    async fn confirm(&mut self, _question: &str, _action: &str) -> bool {
        true
    }
    async fn progress(&mut self, _message: &str) {}
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The specs whose bodies are refereed: examples, valid fixtures, pasted GET replies.
fn specs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["examples", "tests/fixtures/yaml", "tests/fixtures/json", "tests/data"] {
        for entry in std::fs::read_dir(manifest().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let spec_like = name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".json");
            let chosen = match dir {
                "examples" | "tests/data" => spec_like && !name.contains("wire-"),
                _ => spec_like && name.contains("-valid."),
            };
            if chosen {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A home folder with the key `examples/attached-vm.yml` names (`~/.ssh/id_rsa`).
fn fake_home() -> PathBuf {
    let home = std::env::temp_dir().join(format!("aml-wire-home-{}", std::process::id()));
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::write(
        home.join(".ssh/id_rsa"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    home
}

/// (spec, compute type, exact bytes of the PUT body) for every spec, through `actions::run`
/// against a capture server (no_wait, so the PUT is the last request).
async fn captured_bodies() -> Vec<(PathBuf, String, Vec<u8>)> {
    let home = fake_home();
    let server = CaptureServer::start().await;
    let mut out = Vec::new();
    for path in specs() {
        let text = std::fs::read_to_string(&path).unwrap();
        let op =
            if text.contains("resource_id:") && !text.contains("type: kubernetes") { Op::Attach } else { Op::Create };
        let conn = Connection {
            endpoint: server.endpoint(),
            credential: Credential::Static("capture-token".to_string()),
            options: ClientOptions { max_retries: 0, ..ClientOptions::default() },
            explicit: PartialWorkspace {
                subscription_id: Some("00000000-0000-0000-0000-000000000000".into()),
                resource_group: Some("demo-rg".into()),
                workspace_name: Some("demo-ws".into()),
            },
            settings: PartialWorkspace::default(),
            env: WorkspaceEnv { home: Some(home.clone()), ..WorkspaceEnv::default() },
            no_wait: true,
            force: false,
            fallback_workspace: None,
        };
        let target = Target { spec: Some(SpecFile { path: Some(path.clone()), text }), ..Target::default() };
        let before = server.puts().len();
        let outcome = actions::run(op, &target, &conn, &mut Yes, std::future::pending()).await;
        // A few valid fixtures are valid to check but incomplete to send (a VM without its
        // sign-in); only the examples and the pasted bodies must all go through.
        let fixture = path.components().any(|c| c.as_os_str() == "fixtures");
        if fixture && !outcome.ok && outcome.message.starts_with("The spec cannot be sent to Azure") {
            continue;
        }
        assert!(outcome.ok, "{}: {}", path.display(), outcome.message);
        let puts = server.puts();
        assert_eq!(puts.len(), before + 1, "{}: expected one PUT", path.display());
        let body = puts.last().unwrap().body.clone();
        let value: Value = serde_json::from_slice(&body).unwrap();
        let compute_type = value.pointer("/properties/computeType").and_then(Value::as_str).unwrap().to_string();
        out.push((path, compute_type, body));
    }
    out
}

fn exceptions() -> Vec<Exception> {
    rest_schema::embedded_exceptions().to_vec()
}

/// Validates every captured body; returns the violations and which exceptions were needed.
fn referee(schema: &RestSchema, bodies: &[(PathBuf, String, Vec<u8>)]) -> (Vec<String>, BTreeSet<usize>) {
    let exceptions = exceptions();
    let mut failures = Vec::new();
    let mut used = BTreeSet::new();
    for (path, compute_type, bytes) in bodies {
        let body: Value = serde_json::from_slice(bytes).unwrap();
        let all: Vec<Violation> = schema.validate(&body, &[]);
        for v in &all {
            match exceptions.iter().position(|e| {
                (e.compute_type == "*" || e.compute_type.eq_ignore_ascii_case(compute_type))
                    && e.path == v.pattern
                    && e.kind == v.kind
            }) {
                Some(i) => {
                    used.insert(i);
                }
                None => failures.push(format!("{} ({compute_type}): {v} [{}]", path.display(), v.kind)),
            }
        }
    }
    (failures, used)
}

fn read_only_absent(bodies: &[(PathBuf, String, Vec<u8>)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (path, compute_type, bytes) in bodies {
        let mut body: Value = serde_json::from_slice(bytes).unwrap();
        let removed = read_only::strip(&mut body, compute_type);
        if !removed.is_empty() {
            failures.push(format!("{}: sent read-only {removed:?}", path.display()));
        }
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_body_on_the_wire_passes_the_emulators_referee() {
    let bodies = captured_bodies().await;
    let kinds: BTreeSet<&str> = bodies.iter().map(|(_, k, _)| k.as_str()).collect();
    for kind in COMPUTE_TYPES {
        assert!(kinds.contains(kind), "no body of type {kind} was captured: {kinds:?}");
    }
    let (failures, used) = referee(RestSchema::embedded(), &bodies);
    let mut all = failures;
    all.extend(read_only_absent(&bodies));
    assert!(all.is_empty(), "{} violations:\n{}", all.len(), all.join("\n"));
    let unused: Vec<Exception> =
        exceptions().into_iter().enumerate().filter(|(i, _)| !used.contains(i)).map(|(_, e)| e).collect();
    assert!(unused.is_empty(), "exceptions no body needs any more (remove them): {unused:#?}");
    // No body carries `name`: ARM takes it from the URL.
    for (path, _, bytes) in &bodies {
        let body: Value = serde_json::from_slice(bytes).unwrap();
        assert!(body.get("name").is_none(), "{} sent a top-level name", path.display());
    }
    println!(
        "wire: {} bodies, {} compute types, 0 violations, {} reviewed exceptions",
        bodies.len(),
        kinds.len(),
        used.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_pasted_from_a_get_loses_its_read_only_fields_and_says_so() {
    let server = CaptureServer::start().await;
    let path = manifest().join("tests/data/instance-from-get.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let conn = Connection {
        endpoint: server.endpoint(),
        credential: Credential::Static("capture-token".to_string()),
        options: ClientOptions::default(),
        explicit: PartialWorkspace {
            subscription_id: Some("00000000-0000-0000-0000-000000000000".into()),
            resource_group: Some("demo-rg".into()),
            workspace_name: Some("demo-ws".into()),
        },
        settings: PartialWorkspace::default(),
        env: WorkspaceEnv::default(),
        no_wait: true,
        force: false,
        fallback_workspace: None,
    };
    struct Recorder(Vec<String>);
    impl Ui for Recorder {
        async fn confirm(&mut self, question: &str, _action: &str) -> bool {
            self.0.push(question.to_string());
            true
        }
        async fn progress(&mut self, _message: &str) {}
    }
    let mut ui = Recorder(Vec::new());
    let target = Target { spec: Some(SpecFile { path: Some(path), text }), ..Target::default() };
    let outcome = actions::run(Op::Create, &target, &conn, &mut ui, std::future::pending()).await;
    assert!(outcome.ok, "{}", outcome.message);
    let question = &ui.0[0];
    for field in [
        "properties.properties.schedules.computeStartStop[0].id",
        "properties.properties.schedules.computeStartStop[0].provisioningStatus",
        "properties.properties.sshSettings.adminUserName",
        "properties.properties.sshSettings.sshPort",
        "identity.principalId",
        "identity.tenantId",
        "properties.provisioningState",
    ] {
        assert!(question.contains(field), "the confirmation does not name {field}: {question}");
        assert!(outcome.message.contains(field), "the result does not name {field}: {}", outcome.message);
    }
    assert!(question.contains("Left out 13 read-only fields"), "{question}");
    let sent: Value = serde_json::from_slice(&server.puts()[0].body).unwrap();
    assert_eq!(
        sent["properties"]["properties"]["schedules"]["computeStartStop"][0],
        json!({"action": "Stop", "status": "Enabled", "triggerType": "Cron",
               "cron": {"expression": "0 18 * * *", "startTime": "2025-01-26T18:00:00", "timeZone": "UTC"}})
    );
    assert_eq!(sent["properties"]["properties"]["sshSettings"], json!({"sshPublicAccess": "Disabled"}));
    assert_eq!(sent["identity"], json!({"type": "SystemAssigned"}));
}

// ---- referees from the REST spec files ------------------------------------------------------

fn load(dir: &Path, file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
}

/// Keys of a definition that carry structure; everything else (descriptions, generator hints)
/// is left out of the embedded copy.
const KEPT: &[&str] = &[
    "$ref",
    "allOf",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "x-ms-enum",
    "readOnly",
    "x-nullable",
    "discriminator",
    "x-ms-discriminator-value",
];

/// The file a `$ref` points into, and the definition name.
fn split_ref(reference: &str, current: &str) -> (String, String) {
    let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
    let file = if file.is_empty() {
        current.to_string()
    } else {
        Path::new(file).file_name().unwrap().to_string_lossy().to_string()
    };
    (file, pointer.rsplit('/').next().unwrap_or_default().to_string())
}

/// The embedded name of a definition: plain for the ML file, `common.X` for common-types.
fn local_name(file: &str, name: &str) -> String {
    if file == "machineLearningServices.json" { name.to_string() } else { format!("common.{name}") }
}

fn prune(value: &Value, file: &str, queue: &mut Vec<(String, String)>) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                match k.as_str() {
                    "$ref" => {
                        let (f, n) = split_ref(v.as_str().unwrap_or_default(), file);
                        out.insert(k.clone(), json!(format!("#/definitions/{}", local_name(&f, &n))));
                        queue.push((f, n));
                    }
                    "x-ms-enum" => {
                        let open = v.get("modelAsString").cloned().unwrap_or(Value::Bool(false));
                        out.insert(k.clone(), json!({"modelAsString": open}));
                    }
                    "properties" => {
                        let props: Map<String, Value> = v
                            .as_object()
                            .unwrap()
                            .iter()
                            .map(|(pk, pv)| (pk.clone(), prune(pv, file, queue)))
                            .collect();
                        out.insert(k.clone(), Value::Object(props));
                    }
                    key if KEPT.contains(&key) => {
                        out.insert(k.clone(), prune(v, file, queue));
                    }
                    _ => {}
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| prune(i, file, queue)).collect()),
        other => other.clone(),
    }
}

/// `{"$comment", "definitions"}`: every definition reachable from `ComputeResource` and from the
/// `Compute` subtypes, pruned to structure, references made local.
fn derived_definitions(rest: &Path) -> Value {
    let mut files = std::collections::BTreeMap::new();
    files.insert("machineLearningServices.json".to_string(), load(rest, "machineLearningServices-2025-12-01.json"));
    files.insert("types.json".to_string(), load(rest, "common-types-v3-types.json"));
    files.insert("managedidentity.json".to_string(), load(rest, "common-types-v3-managedidentity.json"));
    let ml = "machineLearningServices.json".to_string();
    let mut queue = vec![(ml.clone(), "ComputeResource".to_string())];
    for (name, def) in files[&ml]["definitions"].as_object().unwrap() {
        let inherits = def["allOf"].as_array().is_some_and(|p| p.iter().any(|r| r["$ref"] == "#/definitions/Compute"));
        if inherits {
            queue.push((ml.clone(), name.clone()));
        }
    }
    let mut definitions = std::collections::BTreeMap::new();
    while let Some((file, name)) = queue.pop() {
        let key = local_name(&file, &name);
        if definitions.contains_key(&key) {
            continue;
        }
        let def = &files[&file]["definitions"][&name];
        assert!(!def.is_null(), "{file}#{name} is missing");
        let pruned = prune(def, &file, &mut queue);
        definitions.insert(key, pruned);
    }
    json!({
        "$comment": "Generated by tests/wire.rs (UPDATE_EXPECT=1) from machineLearningServices.json 2025-12-01 and common-types v3 of Azure/azure-rest-api-specs (MIT): the definitions reachable from ComputeResource, structure only.",
        "definitions": definitions,
    })
}

#[test]
#[cfg_attr(not(rest_api_spec), ignore = "needs the published REST API files: set AML_REST_API_DIR")]
fn the_emulators_definitions_are_derived_from_the_rest_spec() {
    let rest = rest_api_dir();
    let derived = derived_definitions(&rest);
    let embedded_path = manifest().join("src/emulator/compute_resource.rest.json");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&embedded_path, serde_json::to_string_pretty(&derived).unwrap() + "\n").unwrap();
        return;
    }
    let embedded: Value = serde_json::from_str(RestSchema::embedded_text()).unwrap();
    assert!(
        embedded == derived,
        "{} differs from the REST spec; rerun with UPDATE_EXPECT=1 and review the diff",
        embedded_path.display()
    );
}

/// Every read-only path of `ComputeResource` for one compute type, in `arm::read_only` syntax.
fn read_only_paths(defs: &Map<String, Value>, compute_type: &str) -> BTreeSet<String> {
    fn walk(defs: &Map<String, Value>, schema: &Value, path: &str, out: &mut BTreeSet<String>, seen: &mut Vec<String>) {
        if let Some(r) = schema["$ref"].as_str() {
            if schema["readOnly"] == true {
                out.insert(path.to_string());
                return;
            }
            let name = r.trim_start_matches("#/definitions/").to_string();
            if seen.contains(&name) {
                return;
            }
            seen.push(name.clone());
            walk(defs, &defs[&name], path, out, seen);
            seen.pop();
            return;
        }
        if schema["readOnly"] == true {
            out.insert(path.to_string());
            return;
        }
        let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
        for parent in schema["allOf"].as_array().into_iter().flatten() {
            walk(defs, parent, path, out, seen);
        }
        for (k, v) in schema["properties"].as_object().into_iter().flatten() {
            walk(defs, v, &join(k), out, seen);
        }
        if schema["items"].is_object() {
            walk(defs, &schema["items"], &format!("{path}[]"), out, seen);
        }
        if schema["additionalProperties"].is_object() {
            walk(defs, &schema["additionalProperties"], &join("*"), out, seen);
        }
    }
    let mut out = BTreeSet::new();
    let envelope = json!({"allOf": [{"$ref": "#/definitions/common.Resource"}],
        "properties": defs["ComputeResource"]["properties"]});
    walk(defs, &envelope, "", &mut out, &mut Vec::new());
    let subtype = defs
        .iter()
        .find(|(name, d)| {
            d["allOf"].as_array().is_some_and(|p| p.iter().any(|r| r["$ref"] == "#/definitions/Compute"))
                && d["x-ms-discriminator-value"].as_str().unwrap_or(name) == compute_type
        })
        .map(|(_, d)| d.clone())
        .unwrap();
    walk(defs, &subtype, "properties", &mut out, &mut Vec::new());
    // A read-only object's own read-only children need no entry of their own.
    let all = out.clone();
    out.retain(|p| !all.iter().any(|q| q != p && p.starts_with(&format!("{q}."))));
    out
}

#[test]
#[cfg_attr(not(rest_api_spec), ignore = "needs the published REST API files: set AML_REST_API_DIR")]
fn the_clients_read_only_table_is_the_rest_specs() {
    let rest = rest_api_dir();
    let derived = derived_definitions(&rest);
    let defs = derived["definitions"].as_object().unwrap();
    let mut differences = Vec::new();
    for kind in COMPUTE_TYPES {
        let want = read_only_paths(defs, kind);
        let have: BTreeSet<String> = read_only::paths_for(kind).into_iter().collect();
        if want != have {
            differences.push(format!(
                "{kind}: missing {:?}, extra {:?}",
                want.difference(&have).collect::<Vec<_>>(),
                have.difference(&want).collect::<Vec<_>>()
            ));
        }
    }
    assert!(differences.is_empty(), "src/arm/read_only.rs differs from the REST spec:\n{}", differences.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(rest_api_spec), ignore = "needs the published REST API files: set AML_REST_API_DIR")]
async fn every_body_on_the_wire_follows_the_published_rest_spec() {
    let rest = rest_api_dir();
    let schema = RestSchema::from_json(&derived_definitions(&rest)).unwrap();
    let bodies = captured_bodies().await;
    let (failures, _) = referee(&schema, &bodies);
    assert!(failures.is_empty(), "{} violations of the REST spec:\n{}", failures.len(), failures.join("\n"));
}
