//! Signature doctor (issue 9): placeholder while it is written.
