//! `stackwarden log [--since DURATION] [--format text|json]`: the deny/ask decisions the hook
//! made in this project, oldest first.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;
use stackwarden_agent::Ledger;

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Only decisions this recent: `30s`, `15m`, `2h`, `7d`, `1w`.
    #[arg(long, value_parser = parse_duration_ms)]
    since: Option<i64>,
    #[arg(long, value_enum, default_value = "text")]
    format: LogFormat,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let root = stackwarden_agent::project::project_root(&cwd);
    let path = stackwarden_agent::project::ledger_path(&root);
    let since = args
        .since
        .map_or(0, |ms| super::hook::now_ms().saturating_sub(ms));
    let records = match Ledger::open_existing(&path)? {
        Some(ledger) => ledger.decisions_since(since)?,
        None => Vec::new(),
    };
    let text = match args.format {
        LogFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(
                &serde_json::json!({ "version": 1, "decisions": records })
            )?
        ),
        LogFormat::Text if records.is_empty() => {
            format!("no deny/ask decisions recorded in {}\n", path.display())
        }
        LogFormat::Text => records
            .iter()
            .map(|r| {
                format!(
                    "{}  {:<4} {:<26} {}\n    session {}  in {}\n    {}\n",
                    utc(r.time_ms),
                    r.decision,
                    r.rule,
                    r.command.lines().next().unwrap_or(""),
                    r.session.as_deref().unwrap_or("-"),
                    r.cwd.as_deref().unwrap_or("-"),
                    r.reason.replace('\n', "\n    "),
                )
            })
            .collect(),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn parse_duration_ms(text: &str) -> Result<i64, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 30m, 2h or 7d"))?;
    let unit_ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" | "" => 3_600_000,
        "d" => 86_400_000,
        "w" => 604_800_000,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}`; use s, m, h, d or w"
            ))
        }
    };
    Ok(number.saturating_mul(unit_ms))
}

/// `YYYY-MM-DD HH:MM:SSZ` from Unix milliseconds (civil-from-days; no date crate needed).
fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_dates() {
        assert_eq!(parse_duration_ms("15m"), Ok(900_000));
        assert!(parse_duration_ms("2x").is_err());
        assert_eq!(utc(0), "1970-01-01 00:00:00Z");
        assert_eq!(utc(1_700_000_000_000), "2023-11-14 22:13:20Z");
    }
}
