//! 16 writers × 200 decisions against one ledger at once: nothing lost, nothing corrupted.
//! Threads each open their own connection, exactly like parallel hook processes do.

#![allow(clippy::unwrap_used)]

use stackwarden_agent::{DecisionRecord, Ledger};

#[test]
fn sixteen_concurrent_writers_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".stackwarden/state.db");
    let writers = 16;
    let each = 200;
    std::thread::scope(|scope| {
        for writer in 0..writers {
            let path = path.clone();
            scope.spawn(move || {
                for i in 0..each {
                    // A fresh connection per decision, like one hook process per tool call.
                    let ledger = Ledger::open(&path).unwrap();
                    ledger
                        .record_decision(&DecisionRecord {
                            time_ms: i64::from(writer * 1000 + i),
                            session: Some(format!("session-{writer}")),
                            tool_use_id: Some(format!("toolu_{writer}_{i}")),
                            cwd: Some("/proj".into()),
                            command: format!("cdk destroy stack-{writer}-{i}"),
                            rule: "guard/destructive".into(),
                            decision: "deny".into(),
                            reason: "test".into(),
                        })
                        .unwrap();
                }
            });
        }
    });
    let ledger = Ledger::open(&path).unwrap();
    let all = ledger.decisions_since(0).unwrap();
    assert_eq!(all.len(), (writers * each) as usize);
    let mut ids: Vec<_> = all.iter().filter_map(|d| d.tool_use_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), (writers * each) as usize);
}
