//! The ledger: `.stackwarden/state.db` (SQLite, WAL, busy timeout), holding the successful
//! `cdk diff` runs (what `guard/deploy-without-diff` reads) and every deny/ask decision (what
//! `stackwarden log` shows). Many hook processes write at once — the agent runs tools in
//! parallel — so every write is one autocommit statement under a generous busy timeout, and WAL
//! lets readers proceed while one writer holds the lock.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags};
use serde::Serialize;
use stackwarden_guard::DiffKey;

/// Long enough for 16+ hook processes queueing for the write lock; still far below Claude
/// Code's hook timeout.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    session TEXT,
    tool_use_id TEXT,
    cwd TEXT,
    command TEXT NOT NULL,
    rule TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_time ON decisions(time_ms);
CREATE TABLE IF NOT EXISTS diffs (
    id INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    session TEXT,
    cwd TEXT,
    command TEXT NOT NULL,
    stacks TEXT NOT NULL,
    profile TEXT,
    account TEXT,
    context TEXT NOT NULL,
    fingerprint TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS diffs_fingerprint ON diffs(fingerprint);
";

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{path}: cannot create the folder: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{path}: a stored diff is unreadable: {source}")]
    Corrupt {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// One deny/ask decision of the hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRecord {
    pub time_ms: i64,
    pub session: Option<String>,
    pub tool_use_id: Option<String>,
    pub cwd: Option<String>,
    pub command: String,
    pub rule: String,
    pub decision: String,
    pub reason: String,
}

/// One successful `cdk diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRecord {
    pub time_ms: i64,
    pub session: Option<String>,
    pub cwd: Option<String>,
    pub command: String,
    pub key: DiffKey,
    pub account: Option<String>,
    pub fingerprint: String,
}

pub struct Ledger {
    path: PathBuf,
    conn: Connection,
}

impl Ledger {
    /// Opens (creating on first use) the ledger at `path`.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| LedgerError::Folder {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let sqlite = |source| LedgerError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(sqlite)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        // journal_mode returns a row, so it is read with query_row rather than executed.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(sqlite)?;
        // WAL + NORMAL: a commit appends to the WAL without an fsync (durable against a crashed
        // process, not a crashed OS — fine for an audit log). The last connection to close
        // would checkpoint the WAL into the database with fsyncs, ~20 ms per hook process; that
        // is left to SQLite's automatic checkpoint every 1000 pages instead.
        conn.execute_batch("PRAGMA synchronous=NORMAL;")
            .map_err(sqlite)?;
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )
        .map_err(sqlite)?;
        conn.execute_batch(SCHEMA).map_err(sqlite)?;
        Ok(Self {
            path: path.to_path_buf(),
            conn,
        })
    }

    /// Opens an existing ledger read-only; `None` when there is none yet.
    pub fn open_existing(path: &Path) -> Result<Option<Self>, LedgerError> {
        if !path.is_file() {
            return Ok(None);
        }
        let sqlite = |source| LedgerError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sqlite)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        Ok(Some(Self {
            path: path.to_path_buf(),
            conn,
        }))
    }

    fn sqlite(&self, source: rusqlite::Error) -> LedgerError {
        LedgerError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    pub fn record_decision(&self, record: &DecisionRecord) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "INSERT INTO decisions (time_ms, session, tool_use_id, cwd, command, rule, decision, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    record.time_ms,
                    record.session,
                    record.tool_use_id,
                    record.cwd,
                    record.command,
                    record.rule,
                    record.decision,
                    record.reason
                ],
            )
            .map_err(|e| self.sqlite(e))?;
        Ok(())
    }

    pub fn record_diff(&self, record: &DiffRecord) -> Result<(), LedgerError> {
        let corrupt = |source| LedgerError::Corrupt {
            path: self.path.clone(),
            source,
        };
        let stacks = serde_json::to_string(&record.key.stacks).map_err(corrupt)?;
        let context = serde_json::to_string(&record.key.context).map_err(corrupt)?;
        self.conn
            .execute(
                "INSERT INTO diffs (time_ms, session, cwd, command, stacks, profile, account, context, fingerprint)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    record.time_ms,
                    record.session,
                    record.cwd,
                    record.command,
                    stacks,
                    record.key.profile,
                    record.account,
                    context,
                    record.fingerprint
                ],
            )
            .map_err(|e| self.sqlite(e))?;
        Ok(())
    }

    /// The diffs recorded while the sources had `fingerprint`.
    pub fn diffs_with_fingerprint(&self, fingerprint: &str) -> Result<Vec<DiffKey>, LedgerError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT stacks, profile, context FROM diffs WHERE fingerprint = ?1 ORDER BY id",
            )
            .map_err(|e| self.sqlite(e))?;
        let rows = statement
            .query_map([fingerprint], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.sqlite(e))?;
        let mut keys = Vec::new();
        for row in rows {
            let (stacks, profile, context) = row.map_err(|e| self.sqlite(e))?;
            let corrupt = |source| LedgerError::Corrupt {
                path: self.path.clone(),
                source,
            };
            keys.push(DiffKey {
                stacks: serde_json::from_str(&stacks).map_err(corrupt)?,
                profile,
                context: serde_json::from_str(&context).map_err(corrupt)?,
            });
        }
        Ok(keys)
    }

    /// Decisions at or after `since_ms`, oldest first.
    pub fn decisions_since(&self, since_ms: i64) -> Result<Vec<DecisionRecord>, LedgerError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT time_ms, session, tool_use_id, cwd, command, rule, decision, reason
                 FROM decisions WHERE time_ms >= ?1 ORDER BY time_ms, id",
            )
            .map_err(|e| self.sqlite(e))?;
        let rows = statement
            .query_map([since_ms], |row| {
                Ok(DecisionRecord {
                    time_ms: row.get(0)?,
                    session: row.get(1)?,
                    tool_use_id: row.get(2)?,
                    cwd: row.get(3)?,
                    command: row.get(4)?,
                    rule: row.get(5)?,
                    decision: row.get(6)?,
                    reason: row.get(7)?,
                })
            })
            .map_err(|e| self.sqlite(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sqlite(e))
    }
}

/// The guard's view of the ledger: a deploy is covered by a diff recorded while the sources had
/// the fingerprint they have now. The fingerprint is only computed when a deploy is judged.
pub struct LedgerDiffs {
    pub root: PathBuf,
}

impl stackwarden_guard::DiffHistory for LedgerDiffs {
    fn has_covering_diff(&self, deploy: &DiffKey) -> Result<bool, String> {
        let path = crate::project::ledger_path(&self.root);
        let Some(ledger) = Ledger::open_existing(&path).map_err(|e| e.to_string())? else {
            return Ok(false);
        };
        let fingerprint = crate::fingerprint::source_fingerprint(&self.root);
        let diffs = ledger
            .diffs_with_fingerprint(&fingerprint)
            .map_err(|e| e.to_string())?;
        Ok(diffs.iter().any(|d| d.covers(deploy)))
    }
}
