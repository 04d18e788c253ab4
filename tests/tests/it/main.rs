//! Integration tests of the derives and of snap-core's endpoint machinery,
//! end to end on BI Auth Void (service 67, seed document 004): declare,
//! validate, sign, decode. One test binary (STYLE.md section 7).

mod attribute;
mod auth_void;
mod catalogue;
mod decode;
mod nested;
mod provider;
mod readme;
mod sign;
