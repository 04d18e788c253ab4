//! The portal samples (`snap-endpoints/tests/fixtures`, embedded by
//! `build.rs`), found by endpoint.
//!
//! A fixture is named `<provider>/<endpoint>.<request|response>[.<variant>].json`
//! (see the fixtures' NOTES.md); it belongs to the registry entry whose
//! request type lives in module `<provider>` of snap-endpoints and is called
//! `<Endpoint>Request`, compared without case and `_`
//! (`gopay/preauth_void.request.json` is `gopay::PreAuthVoidRequest`).

use serde_json::Value;
use snap_endpoints::registry::EntryInfo;

include!(concat!(env!("OUT_DIR"), "/samples.rs"));

/// One sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The fixture's name (`bi/auth_void.request.json`).
    pub file: &'static str,
    /// Its JSON.
    pub value: Value,
}

/// An endpoint's samples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Samples {
    /// `*.request.json`.
    pub request: Option<Sample>,
    /// `*.response.json`: a success answer.
    pub response: Option<Sample>,
    /// `*.response.error.json`: an error answer.
    pub error: Option<Sample>,
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// (provider module, squashed endpoint) of a request type path
/// (`snap_endpoints::gopay::preauth::PreAuthVoidRequest` ->
/// `("gopay", "preauthvoid")`).
fn key_of(entry: &EntryInfo) -> Option<(String, String)> {
    let mut parts = entry.request_type.split("::");
    let _crate = parts.next()?;
    let module = parts.next()?;
    let ident = entry.request_type.rsplit("::").next()?;
    let base = ident.strip_suffix("Request").unwrap_or(ident);
    Some((module.to_ascii_lowercase(), squash(base)))
}

/// The samples of `entry` (fixtures that are not valid JSON are skipped).
pub fn for_entry(entry: &EntryInfo) -> Samples {
    let mut out = Samples::default();
    let Some((module, endpoint)) = key_of(entry) else {
        return out;
    };
    for (file, text) in SAMPLES {
        let Some((dir, name)) = file.split_once('/') else {
            continue;
        };
        let mut pieces = name.trim_end_matches(".json").split('.');
        let (Some(stem), Some(kind)) = (pieces.next(), pieces.next()) else {
            continue;
        };
        let variant = pieces.next();
        if dir != module || squash(stem) != endpoint {
            continue;
        }
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let sample = Some(Sample { file, value });
        match (kind, variant) {
            ("request", None) => out.request = sample,
            ("response", None) => out.response = sample,
            ("response", Some("error")) => out.error = sample,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_found_by_request_type() {
        if SAMPLES.is_empty() {
            eprintln!("no fixtures directory at build time: nothing to check");
            return;
        }
        let void = snap_endpoints::registry::find("GoPay:67").unwrap();
        let s = for_entry(void);
        assert_eq!(
            s.request.as_ref().map(|s| s.file),
            Some("gopay/preauth_void.request.json")
        );
        assert_eq!(
            s.error.as_ref().map(|s| s.file),
            Some("gopay/preauth_void.response.error.json")
        );
        let query = snap_endpoints::registry::find("BI:64").unwrap();
        assert_eq!(
            for_entry(query).response.map(|s| s.file),
            Some("bi/auth_query.response.json")
        );
        // BI QR MPM Cancel (77) publishes no sample.
        let qr = snap_endpoints::registry::find("BI:77").unwrap();
        assert_eq!(for_entry(qr), Samples::default());
    }
}
