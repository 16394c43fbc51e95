//! # ansinh-rules — the law, as data and pure functions
//!
//! Everything An Sinh computes about Vietnamese social insurance: voluntary social insurance
//! (BHXH tự nguyện) quotes, household health insurance (BHYT hộ gia đình), retirement age,
//! pension and lump sums.
//!
//! Principles:
//! - **Pure.** No I/O, no clock, no database, no environment: the caller passes the month and
//!   the parameters. The bundled parameter file is compiled in.
//! - **Every legal number is effective-dated data** ([`ParamVersion`] in
//!   `data/parameters.toml`), with its legal basis and a confidence mark ([`Confidence`]:
//!   V / S / U). A month is priced with the parameters in force in that month.
//! - **Money** is whole đồng ([`Vnd`]), rates are basis points, and one function rounds
//!   ([`round_vnd`], half up).
//! - **Every result lists the parameters it used** ([`ParamUsed`]) so the interface can cite
//!   the legal basis and flag unconfirmed (U) rules.
//! - **Errors are bilingual** (Vietnamese first) and name the field ([`RuleError::field`]).
//!
//! ```
//! use ansinh_rules::{Month, ParamSet, Vnd, vsi};
//! let params = ParamSet::bundled();
//! let q = vsi::quote(&params, &vsi::VsiInput::new(Month::parse("2025-07")?, Vnd(1_500_000)))?;
//! assert_eq!((q.gross, q.state_support, q.payable), (Vnd(330_000), Vnd(66_000), Vnd(264_000)));
//! # Ok::<(), ansinh_rules::RuleError>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod calendar;
pub mod catalog;
mod error;
pub mod hi;
mod money;
mod params;
pub mod pension;
pub mod retirement;
pub mod vsi;

pub use calendar::{BirthMonth, CalendarError, Month, Sex};
pub use catalog::{ParamInfo, Placeholder, Unit, keys, param_catalog, param_info};
pub use error::{Bilingual, RuleError};
pub use money::{BPS, Vnd, round_vnd};
pub use params::{AddOutcome, ClosedVersion, Confidence, ParamSeries, ParamSet, ParamUsed, ParamVersion};
