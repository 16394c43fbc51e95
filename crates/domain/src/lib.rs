//! Domain types that cannot hold invalid data, and the logic that needs no storage.
//!
//! Everything here is parsed at the edge (forms, files, CLI flags) and then trusted.
//! Errors are [`Invalid`]: a field name plus a Vietnamese and an English reason.

#[macro_use]
mod labels;
pub mod cccd;
pub mod collection;
pub mod error;
pub mod import;
pub mod indicator;
pub mod model;
pub mod person;
pub mod text;
pub mod unit;
pub mod user;

pub use cccd::{CitizenId, OldSiNumber};
pub use collection::{BookKind, PayerSource, Scheme};
pub use error::Invalid;
pub use import::{PersonRecord, RowError};
pub use indicator::{DenominatorKind, Indicator};
pub use model::{FundEntryKind, IncomeMonths, ModelKind, ModelStatus, Organisation, VisitOutcome};
pub use person::{
    BirthDate, Ethnicity, FullName, HouseholdCode, Occupation, Phone, PovertyStatus, Relation, working_age,
};
pub use unit::{Level, NewPlace, Unit, UnitCode};
pub use user::{Actor, Grant, Permission, Role, Username};
