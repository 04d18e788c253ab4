//! Provider profiles: `snap sandbox --profile NAME` serves one provider's
//! endpoints at that provider's own paths (no `/<provider>` mount prefix),
//! with the deviations its documents and its official SDK need.
//!
//! | profile  | serves                                                         |
//! |----------|----------------------------------------------------------------|
//! | `bi`     | the BI standard's endpoints at their declared paths (default)   |
//! | `gopay`  | GoPay / Midtrans SNAP-BI: `/v1.0/access-token/b2b` (accepts the `grant_type` spelling Midtrans' SDK sends), `/v1.0/debit/cancel`, `/v1.0/qr/qr-mpm-cancel`, `/v1.0/auth/void`, `POST /v1.0/transfer-va/delete-va`; business refusals `403{SS}15` |
//! | `paydia` | Paydia: its token endpoint and `/v1.0/auth/void`                |
//! | `ayopop` | Ayopop (non-SNAP): `/api/v2/bill/cancel`                        |
//! | `ipg`    | IPG (non-SNAP): `/reversal`                                     |
//!
//! Without a profile ([`crate::Sandbox::router`] with none set) the combined
//! layout is served: BI at its paths, every other provider under
//! `/<provider>`.
//!
//! ```
//! use snap_sandbox::profile::Profile;
//!
//! let p: Profile = "gopay".parse().unwrap();
//! assert_eq!(p, Profile::Gopay);
//! assert!(p.serves("GoPay") && !p.serves("BI"));
//! assert!("midtrans".parse::<Profile>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

/// A provider whose endpoints the sandbox can serve alone, at its own paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Bank Indonesia's standard (the default).
    Bi,
    /// GoPay / Midtrans SNAP-BI.
    Gopay,
    /// Paydia.
    Paydia,
    /// Ayopop (not SNAP).
    Ayopop,
    /// IPG (not SNAP).
    Ipg,
}

impl Profile {
    /// Every profile, in `--profile` help order.
    pub const ALL: [Profile; 5] = [
        Profile::Bi,
        Profile::Gopay,
        Profile::Paydia,
        Profile::Ayopop,
        Profile::Ipg,
    ];

    /// The `--profile` name (`gopay`).
    pub fn name(self) -> &'static str {
        match self {
            Profile::Bi => "bi",
            Profile::Gopay => "gopay",
            Profile::Paydia => "paydia",
            Profile::Ayopop => "ayopop",
            Profile::Ipg => "ipg",
        }
    }

    /// True when an endpoint declared with `provider` (its
    /// `EndpointMeta::provider`, e.g. `"GoPay"`) belongs to this profile.
    pub fn serves(self, provider: &str) -> bool {
        provider.eq_ignore_ascii_case(self.provider_name())
    }

    fn provider_name(self) -> &'static str {
        match self {
            Profile::Bi => "BI",
            Profile::Gopay => "GoPay",
            Profile::Paydia => "Paydia",
            Profile::Ayopop => "Ayopop",
            Profile::Ipg => "IPG",
        }
    }

    /// True for the SNAP providers, which get the access-token endpoints
    /// (73, 74) at `/v1.0/access-token/...`.
    pub fn has_tokens(self) -> bool {
        matches!(self, Profile::Bi | Profile::Gopay | Profile::Paydia)
    }

    /// True when the token request may spell `grantType` as `grant_type`
    /// (the Midtrans Node SDK's `lib/snapBi` sends
    /// `{"grant_type":"client_credentials"}`, and GoPay's server accepts it).
    pub fn accepts_snake_grant_type(self) -> bool {
        matches!(self, Profile::Gopay)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown `--profile` name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile {0:?}: expected one of bi, gopay, paydia, ayopop, ipg")]
pub struct UnknownProfile(pub String);

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownProfile(s.to_owned()))
    }
}
