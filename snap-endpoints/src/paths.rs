//! Provider path presets: where providers serve the BI services, as
//! [`PathMap`]s for [`RequestContext::with_paths`](snap_core::endpoint::RequestContext::with_paths)
//! and `ClientConfig::with_paths` (snap-client), and `snap call --paths NAME`.
//!
//! The BI declarations stay as they are; a preset only moves them. Each
//! preset holds what the catalogue records for that provider (catalogue
//! README §4 and the per-service notes of `services.json`, from the
//! providers' public SDKs); a provider's other services are served at the
//! preset's prefix + the declared path. Check your provider's documentation
//! and extend a preset with [`PathMap::with_path`]:
//!
//! ```
//! use snap_core::endpoint::{Endpoint, PathMap};
//! use snap_endpoints::bi::va::DeleteVaRequest;
//! use snap_endpoints::paths;
//!
//! let bca = paths::bca();
//! let meta = DeleteVaRequest::META;
//! assert_eq!(bca.path_for(&meta, meta.path)?, "/openapi/v1.0/transfer-va/delete-va");
//!
//! // One more service at a path of its own.
//! let mine = paths::bca().with_path("BI:26", "/openapi/v1.0/transfer-va/status-v2");
//! # let _ = mine;
//! # Ok::<(), snap_core::endpoint::PathMapError>(())
//! ```

use snap_core::endpoint::PathMap;

/// BCA: everything under `/openapi` (`/openapi/v1.0/...`), with
/// `/openapi/v2.0` for External Account Inquiry (16) and Interbank Transfer
/// (18), and BCA OneKlik's `/openapi/oneklik/v1.0` for Direct Debit Payment
/// (54) and its status (55).
pub fn bca() -> PathMap {
    PathMap::new()
        .with_prefix("/openapi")
        .with_path("BI:16", "/openapi/v2.0/account-inquiry-external")
        .with_path("BI:18", "/openapi/v2.0/transfer-interbank")
        .with_path("BI:54", "/openapi/oneklik/v1.0/debit/payment-host-to-host")
        .with_path("BI:55", "/openapi/oneklik/v1.0/debit/status")
}

/// BRI: everything under `/snap` (`/snap/v1.0/...`), with `/snap/v1.1` for
/// Bank Statement (14) and the VA intrabank inquiry and payment (32, 33), and
/// the interbank host for External Account Inquiry (16,
/// `/interbank/snap/v1.1`) and Interbank Transfer (18,
/// `/interbank/snap/v1.0`).
pub fn bri() -> PathMap {
    PathMap::new()
        .with_prefix("/snap")
        .with_path("BI:14", "/snap/v1.1/bank-statement")
        .with_path("BI:32", "/snap/v1.1/transfer-va/inquiry-intrabank")
        .with_path("BI:33", "/snap/v1.1/transfer-va/payment-intrabank")
        .with_path("BI:16", "/interbank/snap/v1.1/account-inquiry-external")
        .with_path("BI:18", "/interbank/snap/v1.0/transfer-interbank")
}

/// DOKU: the VA services the merchant calls (create, update, update status,
/// inquiry, delete: 27-31) under `/virtual-accounts/bi-snap-va/v1.1`, VA
/// status (26) and Direct Debit status (55) under `/orders/v1.0`, Direct
/// Debit Payment (54) under `/direct-debit/core/v1`, and the access tokens
/// (73, 74) under `/authorization/v1`.
pub fn doku() -> PathMap {
    const VA: &str = "/virtual-accounts/bi-snap-va/v1.1/transfer-va";
    PathMap::new()
        .with_path("BI:27", format!("{VA}/create-va"))
        .with_path("BI:28", format!("{VA}/update-va"))
        .with_path("BI:29", format!("{VA}/update-status"))
        .with_path("BI:30", format!("{VA}/inquiry-va"))
        .with_path("BI:31", format!("{VA}/delete-va"))
        .with_path("BI:26", "/orders/v1.0/transfer-va/status")
        .with_path("BI:54", "/direct-debit/core/v1/debit/payment-host-to-host")
        .with_path("BI:55", "/orders/v1.0/debit/status")
        .with_path("BI:73", "/authorization/v1/access-token/b2b")
        .with_path("BI:74", "/authorization/v1/access-token/b2b2c")
}

/// DANA: the declared paths with a `.htm` suffix
/// (`/v1.0/access-token/b2b.htm`, `/v1.0/emoney/bank-account-inquiry.htm`),
/// and Direct Debit Payment (54) at `/v1.0/debit/payment.htm`.
pub fn dana() -> PathMap {
    PathMap::new()
        .with_suffix(".htm")
        .with_path("BI:54", "/v1.0/debit/payment.htm")
}

/// The ASPI sandbox: everything under `/api` (`/api/v1.0/...`).
pub fn aspi_sandbox() -> PathMap {
    PathMap::new().with_prefix("/api")
}

/// A preset's constructor.
pub type Preset = fn() -> PathMap;

/// The presets by name, as `snap call --paths` accepts them.
pub const PRESETS: &[(&str, Preset)] = &[
    ("bca", bca),
    ("bri", bri),
    ("doku", doku),
    ("dana", dana),
    ("aspi-sandbox", aspi_sandbox),
];

/// The preset called `name` (`"bca"`, `"BRI"`, `"aspi_sandbox"`: case, `-`
/// and `_` ignored).
pub fn preset(name: &str) -> Option<PathMap> {
    let squash = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    let wanted = squash(name);
    PRESETS
        .iter()
        .find(|(n, _)| squash(n) == wanted)
        .map(|(_, make)| make())
}
