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

/// Long enough for 16+ hook processes queueing for the write lock (a write holds it for well
/// under a millisecond, a checkpoint for a few), and short enough that a ledger stuck behind a
/// lock is reported as such while the envelope's 5 s still leave time to answer.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// WAL size past which a write checkpoints the WAL into the database and empties it. Every hook
/// process opens the ledger afresh and, being the only connection, rebuilds the WAL index by
/// reading the whole WAL; it also loses the index's note of which frames were already copied,
/// so SQLite's automatic checkpoint never restarts the WAL: it grew without end (13 MB after
/// 1,500 decisions), was read twice per deny, and once past 1,000 pages every commit copied all
/// of it again with three fsyncs (deny CPU 4.2 → 10.8 ms as the ledger aged). A truncating
/// checkpoint past this size keeps the read under 256 KB; it costs its fsyncs once every few
/// dozen decisions.
const WAL_LIMIT_BYTES: u64 = 256 * 1024;

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
        // is left to `keep_wal_small` instead, and SQLite's own automatic checkpoint is off (see
        // WAL_LIMIT_BYTES for why it cannot work with one connection per process).
        conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;")
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
        self.keep_wal_small();
        Ok(())
    }

    pub fn record_diff(&self, record: &DiffRecord) -> Result<(), LedgerError> {
        let corrupt = |source| LedgerError::Corrupt {
            path: self.path.clone(),
            source,
        };
        let key = masked(&record.key);
        let stacks = serde_json::to_string(&key.stacks).map_err(corrupt)?;
        let context = serde_json::to_string(&key.context).map_err(corrupt)?;
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
                    key.profile,
                    record.account,
                    context,
                    record.fingerprint
                ],
            )
            .map_err(|e| self.sqlite(e))?;
        self.keep_wal_small();
        Ok(())
    }

    /// Past [`WAL_LIMIT_BYTES`], copies the WAL into the database and empties it. Best effort:
    /// a parallel hook reading the ledger makes it give up after the busy timeout, and the next
    /// write tries again; the record itself is already committed either way.
    fn keep_wal_small(&self) {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        let size = std::fs::metadata(&wal).map_or(0, |m| m.len());
        if size > WAL_LIMIT_BYTES {
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }

    /// The `limit` newest diffs with the source fingerprint each was recorded under.
    pub fn recent_diffs(&self, limit: u32) -> Result<Vec<(DiffKey, String)>, LedgerError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT stacks, profile, context, fingerprint FROM diffs ORDER BY id DESC LIMIT ?1",
            )
            .map_err(|e| self.sqlite(e))?;
        let rows = statement
            .query_map([limit], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.sqlite(e))?;
        let mut diffs = Vec::new();
        for row in rows {
            let (stacks, profile, context, fingerprint) = row.map_err(|e| self.sqlite(e))?;
            let corrupt = |source| LedgerError::Corrupt {
                path: self.path.clone(),
                source,
            };
            let key = DiffKey {
                stacks: serde_json::from_str(&stacks).map_err(corrupt)?,
                profile,
                context: serde_json::from_str(&context).map_err(corrupt)?,
            };
            diffs.push((key, fingerprint));
        }
        Ok(diffs)
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

/// Reports the step a hook process starts, so that a run cut short by its limits can say what
/// it was doing. The binary passes a function that tells the envelope's parent.
pub type Progress = fn(&'static str);

/// Diffs looked at for one deploy, newest first. Older ones were recorded under sources that
/// have changed since in all but contrived histories; missing one denies the deploy (the safe
/// direction) and the message says to run the diff again.
const RECENT_DIFFS: u32 = 1_000;

/// A diff key as the ledger stores it: an access key in a stack name or `-c` value is masked,
/// like every command the ledger keeps. A deploy is compared in the same form (two keys with the
/// same first characters and length then compare equal: such a context is denied by
/// `guard/credentials` anyway).
fn masked(key: &DiffKey) -> DiffKey {
    let mask = |values: &[String]| -> Vec<String> {
        values
            .iter()
            .map(|v| stackwarden_secret::mask_text(v).into_owned())
            .collect()
    };
    DiffKey {
        stacks: mask(&key.stacks),
        profile: key.profile.clone(),
        context: mask(&key.context),
    }
}

/// A project's ledger as one hook process uses it: opened on first use and at most once, for
/// the guard's diff lookup and the decision record alike. (Each open of a WAL database that no
/// other process holds re-reads its WAL: opening twice per deny doubled that.)
pub struct ProjectLedger {
    root: PathBuf,
    path: PathBuf,
    progress: Progress,
    opened: std::cell::OnceCell<Ledger>,
}

impl ProjectLedger {
    pub fn new(root: &Path, progress: Progress) -> Self {
        Self {
            root: root.to_path_buf(),
            path: crate::project::ledger_path(root),
            progress,
            opened: std::cell::OnceCell::new(),
        }
    }

    /// The ledger, created on first use.
    pub fn open(&self) -> Result<&Ledger, LedgerError> {
        if let Some(ledger) = self.opened.get() {
            return Ok(ledger);
        }
        let ledger = Ledger::open(&self.path)?;
        Ok(self.opened.get_or_init(|| ledger))
    }

    /// The ledger when one exists; looking something up never creates it.
    fn existing(&self) -> Result<Option<&Ledger>, LedgerError> {
        if self.opened.get().is_none() && !self.path.is_file() {
            return Ok(None);
        }
        self.open().map(Some)
    }
}

/// The guard's view of the ledger: a deploy is covered by a diff of the same stacks, profile and
/// context recorded while the sources had the fingerprint they have now. The recorded diffs are
/// looked at first: the fingerprint (a walk of the project) is taken only when one of them
/// could cover the deploy.
impl stackwarden_guard::DiffHistory for ProjectLedger {
    fn has_covering_diff(&self, deploy: &DiffKey) -> Result<bool, String> {
        (self.progress)("looking up the recorded cdk diffs in the ledger");
        let Some(ledger) = self.existing().map_err(|e| e.to_string())? else {
            return Ok(false);
        };
        let deploy = masked(deploy);
        let candidates: Vec<String> = ledger
            .recent_diffs(RECENT_DIFFS)
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|(key, _)| key.covers(&deploy))
            .map(|(_, fingerprint)| fingerprint)
            .collect();
        if candidates.is_empty() {
            return Ok(false);
        }
        (self.progress)("fingerprinting the project's sources");
        let now = crate::fingerprint::source_fingerprint(&self.root);
        Ok(candidates.contains(&now))
    }
}
