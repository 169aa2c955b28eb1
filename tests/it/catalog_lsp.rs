//! The VM catalog through the language server, on the spec of
//! tests/fixtures/yaml/price-in-hover-valid.yml (issue 10, "Done means"): hover shows the
//! region's own pay-as-you-go and low-priority prices with their dates; completion lists sizes
//! in natural order (D2s before D16s), the region's prices in each detail.

use crate::support::lsp_client::Client;
use aml_compute_ls::check::catalog::Catalog;
use serde_json::{Value, json};

const URI: &str = "file:///work/specs/priced-cluster.yml";

fn fixture() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml/price-in-hover-valid.yml");
    std::fs::read_to_string(path).unwrap()
}

/// (line, character) of the first character of the `size:` value.
fn size_value_position(text: &str) -> (u32, u32) {
    let line = text.lines().position(|l| l.starts_with("size:")).unwrap();
    (line as u32, "size: ".len() as u32)
}

#[tokio::test]
async fn hover_on_a_size_shows_the_regions_own_prices_with_their_dates() {
    let text = fixture();
    let mut c = Client::default().await;
    c.open(URI, &text).await;
    let (line, character) = size_value_position(&text);
    let r = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character + 3}}),
        )
        .await;
    let md = r["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("{r}"));
    let catalog = Catalog::get();
    let size = catalog.size("Standard_D2s_v3").unwrap();
    let price = catalog.price(size, "westus2").unwrap();
    // az_ml_vms.csv (2024-09-19) quotes 0.01344 in westus2, 0.011616 in eastus: westus2's own.
    assert_eq!(price.low_priority, Some(0.01344));
    let expected = catalog.price_text(size, "westus2").unwrap();
    assert!(expected.contains("low priority ≈ $0.01/h in westus2"), "{expected}");
    assert!(expected.contains("pay-as-you-go prices of 2026-06-18, low-priority prices of 2024-09-19"), "{expected}");
    assert!(md.contains(&expected), "hover lacks {expected:?}:\n{md}");
}

#[tokio::test]
async fn size_completion_is_in_natural_order_with_the_regions_prices() {
    let text = fixture();
    let mut c = Client::default().await;
    c.open(URI, &text).await;
    let (line, character) = size_value_position(&text);
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}),
        )
        .await;
    let mut items: Vec<&Value> = r["result"]["items"].as_array().unwrap_or_else(|| panic!("{r}")).iter().collect();
    items.sort_by_key(|i| i["sortText"].as_str().unwrap_or(i["label"].as_str().unwrap()).to_string());
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    let at = |name: &str| labels.iter().position(|l| *l == name).unwrap_or_else(|| panic!("{name} not offered"));
    // Clients sort by sortText as plain text; the order must still be numeric.
    assert!(at("Standard_D2s_v3") < at("Standard_D4s_v3"), "{labels:?}");
    assert!(at("Standard_D4s_v3") < at("Standard_D16s_v3"), "{labels:?}");
    assert!(at("Standard_D16s_v3") < at("Standard_D32s_v3"), "{labels:?}");
    let d2s = items.iter().find(|i| i["label"] == "Standard_D2s_v3").unwrap();
    let detail = d2s["detail"].as_str().unwrap();
    assert!(detail.contains("low priority ≈ $0.01/h") && detail.contains("2024-09-19"), "{detail}");
}

#[tokio::test]
async fn outside_the_us_hover_says_the_low_priority_price_is_unknown_never_borrowing_eastus() {
    let text = fixture().replace("location: westus2", "location: westeurope");
    let mut c = Client::default().await;
    c.open(URI, &text).await;
    let (line, character) = size_value_position(&text);
    let r = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character + 3}}),
        )
        .await;
    let md = r["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("{r}"));
    assert!(md.contains("low priority price unknown in westeurope"), "{md}");
    assert!(md.contains("the low-priority price in westeurope is unknown, so an upper bound"), "{md}");
    assert!(!md.contains("low priority ≈"), "no low-priority price is shown for westeurope:\n{md}");
}
