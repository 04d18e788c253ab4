//! Provider paths: [`PathMap`](super::PathMap).

use std::fmt;

use serde::Deserialize;

use super::EndpointMeta;
use crate::wire::placeholder;

/// Provider paths: where a provider serves a declared service, set in
/// configuration instead of a second declaration.
///
/// Providers serve the BI services under their own prefixes and versions
/// (BCA `/openapi/v1.0/...` and `/openapi/v2.0/transfer-interbank`, BRI
/// `/snap/v1.1/bank-statement`, DOKU `/virtual-accounts/bi-snap-va/v1.1/...`,
/// DANA `.../payment.htm`). A [`PathMap`] says so once, for every call:
///
/// - a **template** per endpoint, keyed by `provider:service` (`"BI:18"`) or
///   by the endpoint's name (`"Interbank Transfer"`, compared like the
///   registry compares names: case, spaces, `-` and `_` ignored): the whole
///   path as the provider serves it, `{name}` segments filled by the
///   declaration's `path_param` fields exactly as in the declared path;
/// - a **prefix** and a **suffix** put around the declared path of every
///   endpoint without a template (`/openapi` + `/v1.0/balance-inquiry`,
///   `/v1.0/balance-inquiry` + `.htm`).
///
/// The query of a GET declaration (its `query` fields) follows the path as
/// in the declared form. What [`prepare`](super::prepare) signs is the path
/// as sent: the [`RequestContext`](super::RequestContext)'s deployment
/// prefix, then the mapped path, then the query.
///
/// ```
/// use snap_core::endpoint::PathMap;
/// # use snap_core as snap;
/// # use snap::endpoint::Endpoint;
/// # /// Interbank Transfer — SNAP service 18.
/// # #[snap::request(service = 18, method = "POST", path = "/v1.0/transfer-interbank", response = R)]
/// # pub struct InterbankTransfer {}
/// # /// Balance Inquiry — SNAP service 11.
/// # #[snap::request(service = 11, method = "POST", path = "/v1.0/balance-inquiry", response = R)]
/// # pub struct BalanceInquiry {}
/// # /// Answer.
/// # #[snap::response]
/// # pub struct R {}
///
/// let bca = PathMap::new()
///     .with_prefix("/openapi")
///     .with_path("BI:18", "/openapi/v2.0/transfer-interbank");
/// let meta = InterbankTransfer::META;
/// assert_eq!(bca.path_for(&meta, meta.path)?, "/openapi/v2.0/transfer-interbank");
/// let meta = BalanceInquiry::META;
/// assert_eq!(bca.path_for(&meta, meta.path)?, "/openapi/v1.0/balance-inquiry");
///
/// // The same map from a configuration file.
/// let file = PathMap::from_json(r#"{"prefix": "/openapi",
///     "paths": {"BI:18": "/openapi/v2.0/transfer-interbank"}}"#)?;
/// assert_eq!(file, bca);
/// # Ok::<(), snap_core::endpoint::PathMapError>(())
/// ```
///
/// The builder methods do not check their input (presets are static); a
/// malformed prefix or template is reported by [`PathMap::check`], by
/// [`PathMap::from_json`], and by [`PathMap::path_for`] (so by
/// [`prepare`](super::prepare), before anything is signed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathMap {
    prefix: String,
    suffix: String,
    /// (key as given, template), in insertion order; a later entry for the
    /// same key replaces the earlier one.
    templates: Vec<(String, String)>,
}

/// Why a [`PathMap`] cannot produce a path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathMapError {
    /// The prefix, the suffix or a template is malformed.
    #[error("path map: {what} `{value}`: {problem}")]
    Malformed {
        /// `"prefix"`, `"suffix"` or `"template for KEY"`.
        what: String,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A template names a `{placeholder}` the endpoint's declared path does
    /// not have.
    #[error(
        "path map: the template `{template}` for `{endpoint}` uses `{{{name}}}`, which its declared path `{declared}` does not have"
    )]
    UnknownPlaceholder {
        /// The endpoint's name.
        endpoint: &'static str,
        /// The template.
        template: String,
        /// The declared path.
        declared: &'static str,
        /// The placeholder's name.
        name: String,
    },
    /// The path to map does not fit the endpoint's declared path (a target
    /// built for another endpoint).
    #[error("path map: `{target}` is not a path of `{endpoint}` (declared `{declared}`)")]
    TargetMismatch {
        /// The endpoint's name.
        endpoint: &'static str,
        /// The path given.
        target: String,
        /// The declared path.
        declared: &'static str,
    },
    /// A path map file is not the expected JSON.
    #[error("path map file: {0}")]
    Json(String),
}

/// A path map file: `{"prefix": "..", "suffix": "..", "paths": {KEY: TEMPLATE}}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathMapFile {
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    suffix: String,
    #[serde(default)]
    paths: serde_json::Map<String, serde_json::Value>,
}

/// Lowercase letters and digits only (how the registry compares names).
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `provider:service` -> (provider, service), the service as a number.
fn service_key(key: &str) -> Option<(&str, u8)> {
    let (provider, service) = key.split_once(':')?;
    let service = service.trim().parse().ok()?;
    Some((provider.trim(), service))
}

fn malformed(what: impl Into<String>, value: &str, problem: &'static str) -> PathMapError {
    PathMapError::Malformed {
        what: what.into(),
        value: value.to_owned(),
        problem,
    }
}

/// A path or path part: visible ASCII, no whitespace, query or fragment.
fn path_chars_problem(value: &str) -> Option<&'static str> {
    if value.bytes().any(|b| !b.is_ascii_graphic()) {
        Some("only visible ASCII, no whitespace")
    } else if value.contains(['?', '#']) {
        Some("no query or fragment (the query comes from the declaration's `query` fields)")
    } else {
        None
    }
}

impl PathMap {
    /// An empty map: every endpoint at its declared path.
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `prefix` before the declared path of every endpoint without a
    /// template (`"/openapi"`; a trailing `/` is removed).
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into().trim_end_matches('/').to_owned();
        self
    }

    /// Puts `suffix` after the declared path of every endpoint without a
    /// template (`".htm"`).
    pub fn with_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.suffix = suffix.into();
        self
    }

    /// Serves the endpoint `key` (`"BI:18"`, or its name) at `template`: the
    /// whole path, `{name}` segments filled like the declared path's.
    pub fn with_path(mut self, key: impl Into<String>, template: impl Into<String>) -> Self {
        let (key, template) = (key.into(), template.into());
        self.templates.retain(|(k, _)| !same_key(k, &key));
        self.templates.push((key, template));
        self
    }

    /// The prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The suffix.
    pub fn suffix(&self) -> &str {
        &self.suffix
    }

    /// The templates, `(key, template)`, in the order they were set.
    pub fn templates(&self) -> impl Iterator<Item = (&str, &str)> {
        self.templates.iter().map(|(k, t)| (k.as_str(), t.as_str()))
    }

    /// True for a map that changes no path.
    pub fn is_empty(&self) -> bool {
        self.prefix.is_empty() && self.suffix.is_empty() && self.templates.is_empty()
    }

    /// The template for the endpoint `meta` describes: by `provider:service`
    /// first, then by name.
    pub fn template_for(&self, meta: &EndpointMeta) -> Option<&str> {
        let by_service = meta.service.and_then(|s| {
            self.templates.iter().find(|(k, _)| {
                service_key(k).is_some_and(|(provider, service)| {
                    provider.eq_ignore_ascii_case(meta.provider) && service == s.get()
                })
            })
        });
        let name = squash(meta.name);
        by_service
            .or_else(|| {
                self.templates
                    .iter()
                    .find(|(k, _)| service_key(k).is_none() && squash(k) == name)
            })
            .map(|(_, t)| t.as_str())
    }

    /// Checks the prefix, the suffix and every template's form.
    ///
    /// # Errors
    /// [`PathMapError::Malformed`] naming the first bad part.
    pub fn check(&self) -> Result<(), PathMapError> {
        if !self.prefix.is_empty() {
            if !self.prefix.starts_with('/') {
                return Err(malformed("prefix", &self.prefix, "must start with `/`"));
            }
            if let Some(problem) = path_chars_problem(&self.prefix) {
                return Err(malformed("prefix", &self.prefix, problem));
            }
        }
        if let Some(problem) = path_chars_problem(&self.suffix) {
            return Err(malformed("suffix", &self.suffix, problem));
        }
        if self.suffix.contains(['/', '{', '}']) {
            return Err(malformed(
                "suffix",
                &self.suffix,
                "no `/` and no placeholder",
            ));
        }
        for (key, template) in &self.templates {
            let what = || format!("template for {key}");
            if squash(key).is_empty() {
                return Err(malformed("key", key, "a name or `provider:service`"));
            }
            if !template.starts_with('/') {
                return Err(malformed(what(), template, "must start with `/`"));
            }
            if let Some(problem) = path_chars_problem(template) {
                return Err(malformed(what(), template, problem));
            }
            for seg in template.split('/') {
                if seg.contains(['{', '}']) && placeholder(seg).is_none() {
                    return Err(malformed(
                        what(),
                        template,
                        "a placeholder is a whole segment `{name}`",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The path as the provider serves it, for a request to `meta` whose
    /// path as declared and filled is `target` (what
    /// [`Endpoint::target`](super::Endpoint::target) gives: the declared path
    /// with its `path_param` values, then `?` and its `query` fields).
    ///
    /// With a template for the endpoint: the template, its `{name}` segments
    /// filled with the values `target` holds at the declared path's
    /// `{name}` segments (already percent-encoded). Without: prefix +
    /// `target`'s path + suffix. The query of `target` follows, unchanged.
    ///
    /// # Errors
    /// A malformed map ([`PathMapError::Malformed`]), a template naming a
    /// placeholder the declared path lacks, a `target` that does not fit the
    /// declared path.
    pub fn path_for(&self, meta: &EndpointMeta, target: &str) -> Result<String, PathMapError> {
        self.check()?;
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        let mut out = match self.template_for(meta) {
            Some(template) => fill_template(meta, template, path)?,
            None => {
                let mut s =
                    String::with_capacity(self.prefix.len() + path.len() + self.suffix.len());
                s.push_str(&self.prefix);
                s.push_str(path);
                s.push_str(&self.suffix);
                s
            }
        };
        if let Some(query) = query {
            out.push('?');
            out.push_str(query);
        }
        Ok(out)
    }

    /// Reads a path map from JSON: `{"prefix": "/openapi", "suffix": "",
    /// "paths": {"BI:18": "/openapi/v2.0/transfer-interbank"}}` (every member
    /// optional, no other member allowed), and checks it.
    ///
    /// # Errors
    /// [`PathMapError::Json`] for a body of another shape,
    /// [`PathMapError::Malformed`] for a bad part.
    pub fn from_json(text: &str) -> Result<Self, PathMapError> {
        let file: PathMapFile =
            serde_json::from_str(text).map_err(|e| PathMapError::Json(e.to_string()))?;
        let mut map = PathMap::new()
            .with_prefix(file.prefix)
            .with_suffix(file.suffix);
        for (key, template) in file.paths {
            let serde_json::Value::String(template) = template else {
                return Err(PathMapError::Json(format!(
                    "paths.{key}: a template is a string"
                )));
            };
            map = map.with_path(key, template);
        }
        map.check()?;
        Ok(map)
    }
}

/// Two keys naming the same endpoint spelling (same `provider:service`, or
/// the same squashed name).
fn same_key(a: &str, b: &str) -> bool {
    match (service_key(a), service_key(b)) {
        (Some((pa, sa)), Some((pb, sb))) => pa.eq_ignore_ascii_case(pb) && sa == sb,
        (None, None) => squash(a) == squash(b),
        _ => false,
    }
}

/// `template` with each `{name}` segment replaced by the value `sent` holds
/// where the declared path has `{name}`.
fn fill_template(meta: &EndpointMeta, template: &str, sent: &str) -> Result<String, PathMapError> {
    let mismatch = || PathMapError::TargetMismatch {
        endpoint: meta.name,
        target: sent.to_owned(),
        declared: meta.path,
    };
    let declared: Vec<&str> = meta.path.split('/').collect();
    let given: Vec<&str> = sent.split('/').collect();
    if declared.len() != given.len() {
        return Err(mismatch());
    }
    let mut values: Vec<(&str, &str)> = Vec::new();
    for (d, g) in declared.iter().zip(&given) {
        match placeholder(d) {
            Some(name) => values.push((name, g)),
            None if d == g => {}
            None => return Err(mismatch()),
        }
    }
    let mut out = String::with_capacity(template.len() + sent.len());
    for (i, seg) in template.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        match placeholder(seg) {
            Some(name) => {
                let value = values.iter().find(|(n, _)| *n == name).ok_or_else(|| {
                    PathMapError::UnknownPlaceholder {
                        endpoint: meta.name,
                        template: template.to_owned(),
                        declared: meta.path,
                        name: name.to_owned(),
                    }
                })?;
                out.push_str(value.1);
            }
            None => out.push_str(seg),
        }
    }
    Ok(out)
}

impl fmt::Display for PathMap {
    /// The map as its JSON file form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let paths: serde_json::Map<String, serde_json::Value> = self
            .templates
            .iter()
            .map(|(k, t)| (k.clone(), serde_json::Value::String(t.clone())))
            .collect();
        let value = serde_json::json!({
            "prefix": self.prefix,
            "suffix": self.suffix,
            "paths": paths,
        });
        write!(f, "{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::ServiceCode;
    use crate::endpoint::Method;

    fn meta(service: u8, name: &'static str, path: &'static str) -> EndpointMeta {
        EndpointMeta {
            name,
            provider: "BI",
            service: ServiceCode::new(service).ok(),
            method: Method::Post,
            path,
            ..EndpointMeta::FALLBACK
        }
    }

    #[test]
    fn templates_by_service_win_over_names_and_prefix() {
        let va = meta(24, "VA Inquiry", "/v1.0/transfer-va/inquiry");
        let map = PathMap::new()
            .with_prefix("/snap/")
            .with_path("va inquiry", "/by-name")
            .with_path("bi:024", "/by-key");
        assert_eq!(map.path_for(&va, va.path).unwrap(), "/by-key");
        let map = PathMap::new().with_path("VA_INQUIRY", "/by-name");
        assert_eq!(map.path_for(&va, va.path).unwrap(), "/by-name");
        let map = PathMap::new().with_prefix("/snap/").with_suffix(".htm");
        assert_eq!(
            map.path_for(&va, va.path).unwrap(),
            "/snap/v1.0/transfer-va/inquiry.htm"
        );
        // Another provider's key does not apply to BI's declaration.
        let map = PathMap::new().with_path("GoPay:24", "/x");
        assert_eq!(map.path_for(&va, va.path).unwrap(), va.path);
        // A later entry for the same endpoint replaces the earlier one.
        let map = PathMap::new()
            .with_path("BI:24", "/a")
            .with_path("bi:24", "/b");
        assert_eq!(map.templates().count(), 1);
        assert_eq!(map.path_for(&va, va.path).unwrap(), "/b");
    }

    #[test]
    fn placeholders_are_filled_from_the_target_and_the_query_follows() {
        let card = meta(
            3,
            "Card Registration Inquiry",
            "/v1.0/registration-card-inquiry/custIdMerchant/{custIdMerchant}",
        );
        let map = PathMap::new().with_path("BI:03", "/api/v2/cards/{custIdMerchant}/inquiry");
        let target = "/v1.0/registration-card-inquiry/custIdMerchant/C%201?lang=id";
        assert_eq!(
            map.path_for(&card, target).unwrap(),
            "/api/v2/cards/C%201/inquiry?lang=id"
        );
        let prefixed = PathMap::new().with_prefix("/p");
        assert_eq!(
            prefixed.path_for(&card, target).unwrap(),
            "/p/v1.0/registration-card-inquiry/custIdMerchant/C%201?lang=id"
        );
        let bad = PathMap::new().with_path("BI:3", "/x/{customer}");
        assert!(matches!(
            bad.path_for(&card, target),
            Err(PathMapError::UnknownPlaceholder { name, .. }) if name == "customer"
        ));
        assert!(matches!(
            map.path_for(&card, "/v1.0/other/custIdMerchant/C"),
            Err(PathMapError::TargetMismatch { .. })
        ));
    }

    #[test]
    fn malformed_parts_are_refused_naming_the_part() {
        let va = meta(24, "VA Inquiry", "/v1.0/transfer-va/inquiry");
        for (map, what) in [
            (PathMap::new().with_prefix("snap"), "prefix"),
            (PathMap::new().with_prefix("/s p"), "prefix"),
            (PathMap::new().with_suffix("/x"), "suffix"),
            (
                PathMap::new().with_path("BI:24", "x/y"),
                "template for BI:24",
            ),
            (
                PathMap::new().with_path("BI:24", "/x?y=1"),
                "template for BI:24",
            ),
            (
                PathMap::new().with_path("BI:24", "/x{y}"),
                "template for BI:24",
            ),
            (PathMap::new().with_path("--", "/x"), "key"),
        ] {
            match map.path_for(&va, va.path) {
                Err(PathMapError::Malformed { what: w, .. }) => assert_eq!(w, what),
                other => panic!("{map:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_json_form_reads_and_writes_the_same_map() {
        let map = PathMap::from_json(
            r#"{"prefix":"/openapi","paths":{"BI:18":"/openapi/v2.0/transfer-interbank"}}"#,
        )
        .unwrap();
        assert_eq!(map.prefix(), "/openapi");
        assert_eq!(PathMap::from_json(&map.to_string()).unwrap(), map);
        assert!(matches!(
            PathMap::from_json(r#"{"prefx":"/x"}"#),
            Err(PathMapError::Json(_))
        ));
        assert!(matches!(
            PathMap::from_json(r#"{"paths":{"BI:18":7}}"#),
            Err(PathMapError::Json(_))
        ));
        assert!(matches!(
            PathMap::from_json(r#"{"paths":{"BI:18":"v2/x"}}"#),
            Err(PathMapError::Malformed { .. })
        ));
        assert!(PathMap::from_json("{}").unwrap().is_empty());
    }
}
