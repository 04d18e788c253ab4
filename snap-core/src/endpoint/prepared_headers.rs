//! The headers of a [`PreparedRequest`](super::PreparedRequest): the SNAP
//! headers in fixed slots, anything else (device headers, a scheme's own
//! headers) in a short list. Built by [`prepare`](super::prepare) without an
//! intermediate [`HeaderMap`]; the transport writes them straight into its
//! request ([`PreparedHeaders::write_into`]), or a caller converts them
//! ([`PreparedHeaders::to_header_map`], `HeaderMap::from`).

use std::fmt;

use http::header::{HeaderMap, HeaderName, HeaderValue};

use super::prepare::header;

/// Slots, in the order [`PreparedHeaders::iter`] visits them.
const CONTENT_TYPE: usize = 0;
pub(super) const X_TIMESTAMP: usize = 1;
pub(super) const X_PARTNER_ID: usize = 2;
pub(super) const X_EXTERNAL_ID: usize = 3;
pub(super) const CHANNEL_ID: usize = 4;
pub(super) const AUTHORIZATION: usize = 5;
pub(super) const AUTHORIZATION_CUSTOMER: usize = 6;
pub(super) const X_DEVICE_ID: usize = 7;
pub(super) const X_SIGNATURE: usize = 8;
const SLOTS: usize = 9;

/// The slots' names, parsed at compile time.
static NAMES: [HeaderName; SLOTS] = [
    HeaderName::from_static(header::CONTENT_TYPE),
    HeaderName::from_static(header::X_TIMESTAMP),
    HeaderName::from_static(header::X_PARTNER_ID),
    HeaderName::from_static(header::X_EXTERNAL_ID),
    HeaderName::from_static(header::CHANNEL_ID),
    HeaderName::from_static(header::AUTHORIZATION),
    HeaderName::from_static(header::AUTHORIZATION_CUSTOMER),
    HeaderName::from_static(header::X_DEVICE_ID),
    HeaderName::from_static(header::X_SIGNATURE),
];

/// The headers of a prepared request: Content-Type, the SNAP headers
/// (X-TIMESTAMP, X-PARTNER-ID, X-EXTERNAL-ID, CHANNEL-ID, Authorization,
/// Authorization-Customer, X-DEVICE-ID, X-SIGNATURE) in fixed slots, and the
/// others [`prepare`](super::prepare) writes (the other device headers, a
/// scheme's own headers such as X-CLIENT-KEY) after them.
///
/// It reads like a [`HeaderMap`] (`get`, `contains_key`, indexing by name,
/// any case; `iter`), and becomes one when a caller needs it:
/// [`write_into`](Self::write_into) an existing map (what a transport
/// does with its request's headers), [`to_header_map`](Self::to_header_map),
/// or `HeaderMap::from(headers)`. Values that carry a secret (the tokens, a
/// scheme's secret headers) are marked sensitive and redacted in `Debug`.
///
/// ```
/// use http::HeaderMap;
/// use snap_core::endpoint::{PreparedHeaders, header};
/// use http::header::{HeaderName, HeaderValue};
///
/// let mut headers = PreparedHeaders::new();
/// headers.insert(
///     HeaderName::from_static(header::X_EXTERNAL_ID),
///     HeaderValue::from_static("41807553358950093184162180797837"),
/// );
/// headers.insert(
///     HeaderName::from_static("x-device-id"),
///     HeaderValue::from_static("device-1"),
/// );
/// assert_eq!(headers["X-EXTERNAL-ID"], "41807553358950093184162180797837");
/// assert_eq!(headers.get("content-type").unwrap(), "application/json");
/// assert_eq!(headers.len(), 3);
///
/// let mut sent = HeaderMap::new();
/// headers.write_into(&mut sent);
/// assert_eq!(sent, headers.to_header_map());
/// assert_eq!(sent["x-device-id"], "device-1");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedHeaders {
    slots: [Option<HeaderValue>; SLOTS],
    extra: Vec<(HeaderName, HeaderValue)>,
}

impl Default for PreparedHeaders {
    fn default() -> Self {
        Self::new()
    }
}

impl PreparedHeaders {
    /// Headers holding only `Content-Type: application/json`.
    pub fn new() -> Self {
        let mut slots = [const { None }; SLOTS];
        // A constant: `from_static` evaluated at compile time.
        const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");
        slots[CONTENT_TYPE] = Some(APPLICATION_JSON);
        PreparedHeaders {
            slots,
            extra: Vec::new(),
        }
    }

    /// Sets a SNAP slot (prepare's own writes: no name lookup).
    pub(super) fn set(&mut self, slot: usize, value: HeaderValue) {
        self.slots[slot] = Some(value);
    }

    /// Appends a header outside the slots that is known not to be there yet
    /// (prepare's device headers).
    pub(super) fn push_extra(&mut self, name: HeaderName, value: HeaderValue) {
        self.extra.push((name, value));
    }

    /// The slot of `name` (any case), if it is one of the SNAP headers.
    fn slot(name: &str) -> Option<usize> {
        NAMES
            .iter()
            .position(|n| n.as_str().eq_ignore_ascii_case(name))
    }

    /// Sets header `name` to `value`, replacing and returning the value it
    /// had.
    pub fn insert(&mut self, name: HeaderName, value: HeaderValue) -> Option<HeaderValue> {
        if let Some(i) = Self::slot(name.as_str()) {
            return self.slots[i].replace(value);
        }
        match self.extra.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => Some(std::mem::replace(v, value)),
            None => {
                self.extra.push((name, value));
                None
            }
        }
    }

    /// Removes header `name` (any case), returning its value.
    pub fn remove(&mut self, name: impl AsRef<str>) -> Option<HeaderValue> {
        let name = name.as_ref();
        if let Some(i) = Self::slot(name) {
            return self.slots[i].take();
        }
        let at = self
            .extra
            .iter()
            .position(|(n, _)| n.as_str().eq_ignore_ascii_case(name))?;
        Some(self.extra.remove(at).1)
    }

    /// The value of header `name` (any case).
    pub fn get(&self, name: impl AsRef<str>) -> Option<&HeaderValue> {
        let name = name.as_ref();
        match Self::slot(name) {
            Some(i) => self.slots[i].as_ref(),
            None => self
                .extra
                .iter()
                .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
                .map(|(_, v)| v),
        }
    }

    /// Whether header `name` (any case) is present.
    pub fn contains_key(&self, name: impl AsRef<str>) -> bool {
        self.get(name).is_some()
    }

    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.slots.iter().flatten().count() + self.extra.len()
    }

    /// Whether there are none (only after every one was removed).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every header with its value: Content-Type, the SNAP headers in the
    /// order of [`PreparedHeaders`]' description, then the others in the
    /// order they were written.
    pub fn iter(&self) -> PreparedHeadersIter<'_> {
        PreparedHeadersIter {
            headers: self,
            at: 0,
        }
    }

    /// Inserts every header into `map` (replacing a value `map` has under
    /// the same name): how a transport puts them on its request.
    pub fn write_into(&self, map: &mut HeaderMap) {
        map.reserve(self.len());
        each_slot(|i, name| {
            if let Some(value) = &self.slots[i] {
                map.insert(name, value.clone());
            }
        });
        for (name, value) in &self.extra {
            map.insert(name.clone(), value.clone());
        }
    }

    /// The headers as an [`http::HeaderMap`].
    pub fn to_header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::with_capacity(self.len());
        self.write_into(&mut map);
        map
    }
}

/// Calls `f` with each slot and its name, a constant (`HeaderName::from_static`
/// evaluated at compile time; called at run time it would validate the name
/// on every call), in slot order.
#[inline(always)]
fn each_slot(mut f: impl FnMut(usize, HeaderName)) {
    const N_CONTENT_TYPE: HeaderName = HeaderName::from_static(header::CONTENT_TYPE);
    const N_X_TIMESTAMP: HeaderName = HeaderName::from_static(header::X_TIMESTAMP);
    const N_X_PARTNER_ID: HeaderName = HeaderName::from_static(header::X_PARTNER_ID);
    const N_X_EXTERNAL_ID: HeaderName = HeaderName::from_static(header::X_EXTERNAL_ID);
    const N_CHANNEL_ID: HeaderName = HeaderName::from_static(header::CHANNEL_ID);
    const N_AUTHORIZATION: HeaderName = HeaderName::from_static(header::AUTHORIZATION);
    const N_AUTHORIZATION_CUSTOMER: HeaderName =
        HeaderName::from_static(header::AUTHORIZATION_CUSTOMER);
    const N_X_DEVICE_ID: HeaderName = HeaderName::from_static(header::X_DEVICE_ID);
    const N_X_SIGNATURE: HeaderName = HeaderName::from_static(header::X_SIGNATURE);
    f(CONTENT_TYPE, N_CONTENT_TYPE);
    f(X_TIMESTAMP, N_X_TIMESTAMP);
    f(X_PARTNER_ID, N_X_PARTNER_ID);
    f(X_EXTERNAL_ID, N_X_EXTERNAL_ID);
    f(CHANNEL_ID, N_CHANNEL_ID);
    f(AUTHORIZATION, N_AUTHORIZATION);
    f(AUTHORIZATION_CUSTOMER, N_AUTHORIZATION_CUSTOMER);
    f(X_DEVICE_ID, N_X_DEVICE_ID);
    f(X_SIGNATURE, N_X_SIGNATURE);
}

impl From<PreparedHeaders> for HeaderMap {
    fn from(headers: PreparedHeaders) -> Self {
        let mut map = HeaderMap::with_capacity(headers.len());
        let mut slots = headers.slots;
        each_slot(|i, name| {
            if let Some(value) = slots[i].take() {
                map.insert(name, value);
            }
        });
        for (name, value) in headers.extra {
            map.insert(name, value);
        }
        map
    }
}

impl<K: AsRef<str>> std::ops::Index<K> for PreparedHeaders {
    type Output = HeaderValue;

    /// The value of header `name`.
    ///
    /// # Panics
    /// When the header is absent (like [`HeaderMap`]'s indexing).
    fn index(&self, name: K) -> &HeaderValue {
        let name = name.as_ref();
        match self.get(name) {
            Some(v) => v,
            None => panic!("no header {name:?} in the prepared request"),
        }
    }
}

/// Iterator over [`PreparedHeaders`] (see [`PreparedHeaders::iter`]).
#[derive(Debug, Clone)]
pub struct PreparedHeadersIter<'h> {
    headers: &'h PreparedHeaders,
    at: usize,
}

impl<'h> Iterator for PreparedHeadersIter<'h> {
    type Item = (&'h HeaderName, &'h HeaderValue);

    fn next(&mut self) -> Option<Self::Item> {
        while self.at < SLOTS {
            let i = self.at;
            self.at += 1;
            if let Some(v) = &self.headers.slots[i] {
                return Some((&NAMES[i], v));
            }
        }
        let (name, value) = self.headers.extra.get(self.at - SLOTS)?;
        self.at += 1;
        Some((name, value))
    }
}

impl<'h> IntoIterator for &'h PreparedHeaders {
    type Item = (&'h HeaderName, &'h HeaderValue);
    type IntoIter = PreparedHeadersIter<'h>;

    fn into_iter(self) -> PreparedHeadersIter<'h> {
        self.iter()
    }
}

impl fmt::Debug for PreparedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self {
            // Tokens and any secret a scheme writes are marked sensitive.
            if value.is_sensitive() {
                map.entry(&name.as_str(), &"[redacted]");
            } else {
                map.entry(&name.as_str(), &value.to_str().unwrap_or("<binary>"));
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &'static str) -> HeaderValue {
        HeaderValue::from_static(s)
    }

    #[test]
    fn slots_and_extras_read_like_a_header_map() {
        let mut h = PreparedHeaders::new();
        assert_eq!(h.len(), 1);
        h.set(X_SIGNATURE, v("sig"));
        h.set(X_TIMESTAMP, v("2024-03-05T17:37:16+07:00"));
        h.push_extra(HeaderName::from_static("x-ip-address"), v("10.0.0.1"));
        let mut secret = v("Bearer t");
        secret.set_sensitive(true);
        assert_eq!(
            h.insert(HeaderName::from_static("authorization"), secret),
            None
        );
        assert_eq!(h.len(), 5);
        assert_eq!(h["X-Signature"], "sig");
        assert_eq!(
            h.get("X-IP-ADDRESS").map(|v| v.as_bytes()),
            Some(&b"10.0.0.1"[..])
        );
        assert!(h.contains_key(HeaderName::from_static("x-timestamp")));
        assert!(!h.contains_key("x-partner-id"));
        // Iteration: content type, the slots in their order, then the others.
        let names: Vec<&str> = h.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "content-type",
                "x-timestamp",
                "authorization",
                "x-signature",
                "x-ip-address"
            ]
        );
        // Conversions agree, values and sensitivity kept.
        let map = h.to_header_map();
        assert_eq!(map.len(), 5);
        assert_eq!(map, HeaderMap::from(h.clone()));
        assert!(map["authorization"].is_sensitive());
        for (name, value) in &h {
            assert_eq!(map.get(name), Some(value), "{name}");
        }
        // write_into replaces what the target map had under the same name.
        let mut target = HeaderMap::new();
        target.insert("x-signature", v("old"));
        target.insert("user-agent", v("ua"));
        h.write_into(&mut target);
        assert_eq!(target["x-signature"], "sig");
        assert_eq!(target["user-agent"], "ua");
        assert_eq!(target.len(), 6);
        // Debug redacts the sensitive value.
        let printed = format!("{h:?}");
        assert!(printed.contains("[redacted]") && !printed.contains("Bearer t"));
        assert!(printed.contains("10.0.0.1"));
    }

    #[test]
    fn each_slot_names_every_slot_in_order() {
        let mut seen = Vec::new();
        each_slot(|i, name| {
            assert_eq!(name, NAMES[i]);
            seen.push(i);
        });
        assert_eq!(seen, (0..SLOTS).collect::<Vec<_>>());
    }

    #[test]
    fn insert_replaces_and_remove_takes_out() {
        let mut h = PreparedHeaders::new();
        let dev = HeaderName::from_static("x-latitude");
        assert_eq!(h.insert(dev.clone(), v("a")), None);
        assert_eq!(h.insert(dev.clone(), v("b")), Some(v("a")));
        assert_eq!(
            h.insert(HeaderName::from_static("x-signature"), v("s")),
            None
        );
        assert_eq!(h.len(), 3);
        assert_eq!(h.remove("X-Latitude"), Some(v("b")));
        assert_eq!(h.remove("x-latitude"), None);
        assert_eq!(h.remove("x-signature"), Some(v("s")));
        assert_eq!(h.remove("content-type"), Some(v("application/json")));
        assert!(h.is_empty());
        assert_eq!(h.iter().count(), 0);
        assert_eq!(h, {
            let mut e = PreparedHeaders::default();
            e.remove("content-type");
            e
        });
    }

    #[test]
    #[should_panic(expected = "no header")]
    fn indexing_an_absent_header_panics_like_a_header_map() {
        let _ = &PreparedHeaders::new()["x-signature"];
    }
}
