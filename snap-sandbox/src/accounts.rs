//! Accounts and transfers: the state behind balance inquiry (11), account
//! inquiry (15/16), intrabank (17), interbank (18), RTGS (22) and SKN (23)
//! transfers, their status (36) and statements (12-14).
//!
//! Every account is at the sandbox bank. An account number of 10-16 digits
//! opens on first use with [`OPENING_BALANCE`] (so any test account
//! exists); money to another bank (18, 22, 23) leaves through the
//! interbank clearing account [`CLEARING`]. Invariants, under any
//! concurrency (one lock, each transfer a single step):
//!
//! - money is conserved: the balances (clearing included) always sum to the
//!   opening balances handed out;
//! - no balance goes below zero (`403{SS}14 Insufficient Funds`);
//! - a statement lists exactly what moved: an account's entries sum to its
//!   balance minus its opening balance;
//! - a `partnerReferenceNo` transfers once per partner (`409{SS}01`).
//!
//! ```
//! use snap_sandbox::accounts::{Accounts, Rail, OPENING_BALANCE};
//!
//! let book = Accounts::default();
//! let t = book
//!     .transfer("merchant-1", "ref-1", "1234567890", "9876543210", 250_000_00, Rail::Intrabank, "2026-11-29T10:00:00+07:00")
//!     .unwrap();
//! assert_eq!(book.balance("1234567890").unwrap(), OPENING_BALANCE - 250_000_00);
//! assert_eq!(book.statement("9876543210").unwrap().len(), 1);
//! book.check_invariants().unwrap();
//! # let _ = t;
//! ```

// Amounts are written in minor units grouped as rupiah_sen (`10_000_00` is
// Rp 10,000.00).
#![allow(clippy::inconsistent_digit_grouping)]

use std::collections::HashMap;
use std::sync::Mutex;

/// What a fresh account holds, minor units (Rp 10,000,000.00).
pub const OPENING_BALANCE: u64 = 10_000_000_00;

/// The interbank clearing account: where money to other banks goes.
pub const CLEARING: &str = "interbank-clearing";

/// RTGS carries only amounts above Rp 100,000,000 (minor units).
pub const RTGS_MINIMUM: u64 = 100_000_000_00;

/// SKN carries at most Rp 1,000,000,000 (minor units).
pub const SKN_MAXIMUM: u64 = 1_000_000_000_00;

/// How a transfer travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rail {
    /// Intrabank (17): both accounts here.
    Intrabank,
    /// Interbank / online (18).
    Interbank,
    /// RTGS (22).
    Rtgs,
    /// SKN (23).
    Skn,
}

impl Rail {
    /// The service code.
    pub fn service(self) -> u8 {
        match self {
            Rail::Intrabank => 17,
            Rail::Interbank => 18,
            Rail::Rtgs => 22,
            Rail::Skn => 23,
        }
    }
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The transfer's `referenceNo`.
    pub reference_no: String,
    /// Credit (money in) or debit.
    pub credit: bool,
    /// Minor units.
    pub amount: u64,
    /// The other side's account.
    pub counterparty: String,
    /// When.
    pub time: String,
    /// Balance after this entry.
    pub balance_after: u64,
}

/// A transfer, as its status (36) reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The sandbox's `referenceNo`.
    pub reference_no: String,
    /// The partner's `partnerReferenceNo`.
    pub partner_reference_no: String,
    /// Debited account.
    pub source: String,
    /// Beneficiary account (at another bank for 18/22/23).
    pub beneficiary: String,
    /// Minor units.
    pub amount: u64,
    /// Rail.
    pub rail: Rail,
    /// When.
    pub time: String,
}

/// Why a transfer or inquiry was refused; [`AccountError::case`] gives the
/// BI code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// `404{SS}11 Invalid Card/Account/Customer`.
    #[error("Invalid Account. {0}")]
    InvalidAccount(String),
    /// `403{SS}14 Insufficient Funds`.
    #[error("Insufficient Funds")]
    InsufficientFunds,
    /// `404{SS}13 Invalid Amount`.
    #[error("Invalid Amount. {0}")]
    InvalidAmount(String),
    /// `409{SS}01 Duplicate partnerReferenceNo`.
    #[error("Duplicate partnerReferenceNo. {0}")]
    Duplicate(String),
    /// `404{SS}01 Transaction Not Found`.
    #[error("Transaction Not Found. {0}")]
    NotFound(String),
}

impl AccountError {
    /// `(HTTP status, case)`.
    pub fn case(&self) -> (u16, u8) {
        match self {
            AccountError::InvalidAccount(_) => (404, 11),
            AccountError::InsufficientFunds => (403, 14),
            AccountError::InvalidAmount(_) => (404, 13),
            AccountError::Duplicate(_) => (409, 1),
            AccountError::NotFound(_) => (404, 1),
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    balances: HashMap<String, u64>,
    opened: u64,
    entries: HashMap<String, Vec<Entry>>,
    transfers: HashMap<(String, String), Transfer>,
    by_reference: HashMap<String, (String, String)>,
    seq: u64,
}

/// The sandbox bank's accounts (in memory, bounded).
#[derive(Debug)]
pub struct Accounts {
    inner: Mutex<Inner>,
    cap: usize,
}

impl Default for Accounts {
    fn default() -> Self {
        Accounts::with_capacity(100_000)
    }
}

/// True for an account number the sandbox opens on first use: 10-16 digits.
pub fn valid_account_no(no: &str) -> bool {
    (10..=16).contains(&no.len()) && no.bytes().all(|b| b.is_ascii_digit())
}

impl Accounts {
    /// At most `cap` accounts and `cap` transfers.
    pub fn with_capacity(cap: usize) -> Self {
        Accounts {
            inner: Mutex::default(),
            cap,
        }
    }

    /// Every transfer `partner` made (snapshots), for the dashboard.
    pub fn transfers(&self, partner: &str) -> Vec<Transfer> {
        let inner = self.lock();
        inner
            .transfers
            .iter()
            .filter(|((p, _), _)| p == partner)
            .map(|(_, t)| t.clone())
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn open(inner: &mut Inner, cap: usize, no: &str) -> Result<(), AccountError> {
        if inner.balances.contains_key(no) {
            return Ok(());
        }
        if !valid_account_no(no) {
            return Err(AccountError::InvalidAccount(format!(
                "{no}: an account number is 10-16 digits"
            )));
        }
        if inner.balances.len() >= cap {
            return Err(AccountError::InvalidAccount(
                "the sandbox's account book is full".to_owned(),
            ));
        }
        inner.balances.insert(no.to_owned(), OPENING_BALANCE);
        inner.opened += OPENING_BALANCE;
        Ok(())
    }

    /// Balance inquiry (11) and account inquiry (15/16): the balance of
    /// `account`, opened on first use.
    pub fn balance(&self, account: &str) -> Result<u64, AccountError> {
        let mut inner = self.lock();
        Self::open(&mut inner, self.cap, account)?;
        Ok(inner.balances[account])
    }

    /// Moves `amount` from `source` to `beneficiary` (intrabank) or to the
    /// clearing account (other rails), once per `partner_reference_no`.
    #[allow(clippy::too_many_arguments)]
    pub fn transfer(
        &self,
        partner: &str,
        partner_reference_no: &str,
        source: &str,
        beneficiary: &str,
        amount: u64,
        rail: Rail,
        now: &str,
    ) -> Result<Transfer, AccountError> {
        if amount == 0 {
            return Err(AccountError::InvalidAmount(
                "amount must be positive".to_owned(),
            ));
        }
        match rail {
            Rail::Rtgs if amount <= RTGS_MINIMUM => {
                return Err(AccountError::InvalidAmount(
                    "RTGS carries amounts above 100000000.00".to_owned(),
                ));
            }
            Rail::Skn if amount > SKN_MAXIMUM => {
                return Err(AccountError::InvalidAmount(
                    "SKN carries at most 1000000000.00".to_owned(),
                ));
            }
            _ => {}
        }
        let mut inner = self.lock();
        let key = (partner.to_owned(), partner_reference_no.to_owned());
        if inner.transfers.contains_key(&key) {
            return Err(AccountError::Duplicate(partner_reference_no.to_owned()));
        }
        if inner.transfers.len() >= self.cap {
            return Err(AccountError::InvalidAmount(
                "the sandbox's transfer book is full".to_owned(),
            ));
        }
        Self::open(&mut inner, self.cap, source)?;
        let to = match rail {
            Rail::Intrabank => {
                Self::open(&mut inner, self.cap, beneficiary)?;
                if beneficiary == source {
                    return Err(AccountError::InvalidAccount(
                        "source and beneficiary are the same account".to_owned(),
                    ));
                }
                beneficiary.to_owned()
            }
            _ => {
                if beneficiary.is_empty() {
                    return Err(AccountError::InvalidAccount("no beneficiary".to_owned()));
                }
                inner.balances.entry(CLEARING.to_owned()).or_insert(0);
                CLEARING.to_owned()
            }
        };
        let from_balance = inner.balances[source];
        if from_balance < amount {
            return Err(AccountError::InsufficientFunds);
        }
        inner.seq += 1;
        let reference_no = format!("TRF{:02}{:012}", rail.service(), inner.seq);
        let from_after = from_balance - amount;
        let to_after = inner.balances[&to] + amount;
        inner.balances.insert(source.to_owned(), from_after);
        inner.balances.insert(to.clone(), to_after);
        let debit = Entry {
            reference_no: reference_no.clone(),
            credit: false,
            amount,
            counterparty: beneficiary.to_owned(),
            time: now.to_owned(),
            balance_after: from_after,
        };
        let credit = Entry {
            reference_no: reference_no.clone(),
            credit: true,
            amount,
            counterparty: source.to_owned(),
            time: now.to_owned(),
            balance_after: to_after,
        };
        inner
            .entries
            .entry(source.to_owned())
            .or_default()
            .push(debit);
        inner.entries.entry(to).or_default().push(credit);
        let t = Transfer {
            reference_no: reference_no.clone(),
            partner_reference_no: partner_reference_no.to_owned(),
            source: source.to_owned(),
            beneficiary: beneficiary.to_owned(),
            amount,
            rail,
            time: now.to_owned(),
        };
        inner.by_reference.insert(reference_no, key.clone());
        inner.transfers.insert(key, t.clone());
        Ok(t)
    }

    /// Status (36): a transfer by `partnerReferenceNo` or `referenceNo`.
    pub fn status(
        &self,
        partner: &str,
        partner_reference_no: Option<&str>,
        reference_no: Option<&str>,
    ) -> Result<Transfer, AccountError> {
        let inner = self.lock();
        let key = match (partner_reference_no, reference_no) {
            (Some(p), _) => (partner.to_owned(), p.to_owned()),
            (None, Some(r)) => match inner.by_reference.get(r) {
                Some(k) => k.clone(),
                None => return Err(AccountError::NotFound(format!("referenceNo {r}"))),
            },
            (None, None) => return Err(AccountError::NotFound("no reference".to_owned())),
        };
        match inner.transfers.get(&key) {
            Some(t) if t.partner_reference_no == key.1 && key.0 == partner => Ok(t.clone()),
            _ => Err(AccountError::NotFound(format!(
                "partnerReferenceNo {}",
                key.1
            ))),
        }
    }

    /// Statement (12-14): what moved on `account`, oldest first.
    pub fn statement(&self, account: &str) -> Result<Vec<Entry>, AccountError> {
        let mut inner = self.lock();
        Self::open(&mut inner, self.cap, account)?;
        Ok(inner.entries.get(account).cloned().unwrap_or_default())
    }

    /// Checks conservation, non-negative balances and that statements
    /// explain balances.
    pub fn check_invariants(&self) -> Result<(), String> {
        let inner = self.lock();
        let total: u64 = inner.balances.values().sum();
        if total != inner.opened {
            return Err(format!(
                "balances sum to {total}, {} was opened",
                inner.opened
            ));
        }
        for (no, bal) in &inner.balances {
            let opening = if no == CLEARING { 0 } else { OPENING_BALANCE };
            let moved: i128 = inner
                .entries
                .get(no)
                .map(|es| {
                    es.iter()
                        .map(|e| {
                            if e.credit {
                                i128::from(e.amount)
                            } else {
                                -i128::from(e.amount)
                            }
                        })
                        .sum()
                })
                .unwrap_or(0);
            if i128::from(opening) + moved != i128::from(*bal) {
                return Err(format!("{no}: statement moves {moved}, balance {bal}"));
            }
        }
        Ok(())
    }
}

impl Accounts {
    /// What left for other banks (the clearing account's balance).
    pub fn balance_of_clearing(&self) -> u64 {
        self.lock().balances.get(CLEARING).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-29T10:00:00+07:00";

    #[test]
    fn refusals_carry_bi_codes() {
        let b = Accounts::default();
        let big = OPENING_BALANCE + 1;
        let e = b.transfer(
            "p",
            "r1",
            "1111111111",
            "2222222222",
            big,
            Rail::Intrabank,
            NOW,
        );
        assert_eq!(e.unwrap_err().case(), (403, 14));
        let e = b.transfer("p", "r2", "12", "2222222222", 1, Rail::Intrabank, NOW);
        assert_eq!(e.unwrap_err().case(), (404, 11));
        b.transfer(
            "p",
            "r3",
            "1111111111",
            "2222222222",
            1,
            Rail::Intrabank,
            NOW,
        )
        .unwrap();
        let e = b.transfer(
            "p",
            "r3",
            "1111111111",
            "2222222222",
            1,
            Rail::Intrabank,
            NOW,
        );
        assert_eq!(e.unwrap_err().case(), (409, 1));
        let e = b.transfer(
            "p",
            "r4",
            "1111111111",
            "BANK-X:99",
            5_000_00,
            Rail::Rtgs,
            NOW,
        );
        assert_eq!(e.unwrap_err().case(), (404, 13));
        assert_eq!(
            b.status("p", Some("r9"), None).unwrap_err().case(),
            (404, 1)
        );
        let t = b.status("p", Some("r3"), None).unwrap();
        assert_eq!(b.status("p", None, Some(&t.reference_no)).unwrap(), t);
        assert!(b.status("other", None, Some(&t.reference_no)).is_err());
        b.check_invariants().unwrap();
    }

    #[test]
    fn money_is_conserved_under_concurrency() {
        use std::sync::Arc;
        let b = Arc::new(Accounts::default());
        let accounts = ["1000000001", "1000000002", "1000000003", "1000000004"];
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let b = b.clone();
                std::thread::spawn(move || {
                    for i in 0..200u64 {
                        let from = accounts[(t + i as usize) % 4];
                        let to = accounts[(t + i as usize + 1) % 4];
                        let rail = if i % 7 == 0 {
                            Rail::Interbank
                        } else {
                            Rail::Intrabank
                        };
                        let amount = 1_000_00 + (i * 7919) % 3_000_000_00;
                        let _ = b.transfer("p", &format!("{t}-{i}"), from, to, amount, rail, NOW);
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        b.check_invariants().unwrap();
        let sum: u64 =
            accounts.iter().map(|a| b.balance(a).unwrap()).sum::<u64>() + b.balance_of_clearing();
        assert_eq!(sum, 4 * OPENING_BALANCE);
        assert!(
            b.balance_of_clearing() > 0,
            "some interbank transfers went through"
        );
        assert!(b.statement(accounts[0]).unwrap().len() > 10);
    }
}
