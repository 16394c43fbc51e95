//! SQLite bulk insert: one prepared statement stepped once per row through the connection's raw
//! handle, the way SQLite's own `.import` loads a file.
//!
//! Why not sqlx: its SQLite driver hands every statement to a worker thread and copies every
//! bound value into an owned buffer, which cost about 6 s of a million-row import (8.7 s against
//! 2.5 s for the same rows through a prepared statement, measured; BENCHMARKS.md). PostgreSQL
//! has `COPY` for this; this is the SQLite counterpart, and the only `unsafe` in the store.
//!
//! Safety: [`SqliteConnection::lock_handle`] holds the connection's lock, so sqlx's worker
//! cannot touch the handle while the loop runs; the statement is finalised before the lock is
//! released (also on error); bound text and blobs are borrowed from `rows`, which outlive every
//! `sqlite3_step` that reads them (`SQLITE_STATIC`), and are re-bound for every row.

use crate::{Result, StoreError};
use libsqlite3_sys as ffi;
use sqlx::sqlite::SqliteConnection;
use std::ffi::{CStr, CString, c_int};
use std::ptr::{self, NonNull};

/// One bound value, borrowed from the row being written.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
    Null,
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Value::Null, Value::Text)
    }
}

impl From<Option<i64>> for Value<'_> {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Value::Null, Value::Int)
    }
}

/// Finalises the statement however the loop ends.
struct Statement(NonNull<ffi::sqlite3_stmt>);

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: the statement was prepared on a handle whose lock is still held (the guard
        // outlives this value) and is finalised exactly once.
        unsafe {
            ffi::sqlite3_finalize(self.0.as_ptr());
        }
    }
}

fn error(db: *mut ffi::sqlite3, rc: c_int) -> StoreError {
    // SAFETY: `db` is a live handle; the message is copied before any other call.
    let (code, message) = unsafe {
        let msg = ffi::sqlite3_errmsg(db);
        let text =
            if msg.is_null() { String::new() } else { CStr::from_ptr(msg).to_string_lossy().into_owned() };
        (ffi::sqlite3_extended_errcode(db), text)
    };
    StoreError::Sqlite { code: if code == 0 { rc } else { code }, message }
}

/// A value's length as SQLite takes it; longer than 2 GiB is refused, never cut.
fn length(n: usize) -> Result<c_int> {
    c_int::try_from(n)
        .map_err(|_| StoreError::Sqlite { code: ffi::SQLITE_TOOBIG, message: "value too long".into() })
}

/// Run `sql` (one statement with `?` parameters) once per row, binding the values `bind`
/// pushes for (its index, it), in order. Runs inside whatever transaction the connection holds.
pub(crate) async fn insert_rows<'r, T>(
    conn: &mut SqliteConnection,
    sql: &str,
    rows: &'r [T],
    mut bind: impl FnMut(usize, &'r T, &mut Vec<Value<'r>>),
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = CString::new(sql).map_err(|_| StoreError::Sqlite { code: 0, message: "NUL in SQL".into() })?;
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    let mut raw = ptr::null_mut();
    // SAFETY: `db` is the locked, open handle; `sql` is NUL-terminated.
    let rc = unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut raw, ptr::null_mut()) };
    let stmt = match NonNull::new(raw) {
        Some(s) if rc == ffi::SQLITE_OK => Statement(s),
        _ => return Err(error(db, rc)),
    };
    let s = stmt.0.as_ptr();
    let mut values: Vec<Value<'r>> = Vec::with_capacity(32);
    for (n, row) in rows.iter().enumerate() {
        values.clear();
        bind(n, row, &mut values);
        for (i, v) in values.iter().enumerate() {
            let at = i as c_int + 1;
            // SAFETY: `s` is a live statement; borrowed text/blob data lives as long as `rows`
            // and is rebound before the next step (SQLITE_STATIC: SQLite does not copy it).
            let rc = unsafe {
                match *v {
                    Value::Int(x) => ffi::sqlite3_bind_int64(s, at, x),
                    Value::Text(t) => ffi::sqlite3_bind_text(
                        s,
                        at,
                        t.as_ptr().cast(),
                        length(t.len())?,
                        ffi::SQLITE_STATIC(),
                    ),
                    Value::Blob(b) => ffi::sqlite3_bind_blob(
                        s,
                        at,
                        b.as_ptr().cast(),
                        length(b.len())?,
                        ffi::SQLITE_STATIC(),
                    ),
                    Value::Null => ffi::sqlite3_bind_null(s, at),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(error(db, rc));
            }
        }
        // SAFETY: every parameter of `s` is bound.
        let rc = unsafe { ffi::sqlite3_step(s) };
        if rc != ffi::SQLITE_DONE {
            let e = error(db, rc);
            // SAFETY: reset after a failed step clears the statement for finalisation.
            unsafe { ffi::sqlite3_reset(s) };
            return Err(e);
        }
        // SAFETY: as above.
        unsafe { ffi::sqlite3_reset(s) };
    }
    drop(stmt);
    drop(handle);
    Ok(())
}
