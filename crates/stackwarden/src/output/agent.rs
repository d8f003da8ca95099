//! `--format agent` (the default under Claude Code): one line per problem with its fix, nothing
//! decorative, so an agent can act on each line. A mistake found in several places (one
//! construct in every stack, one literal in the source and the templates) is one line that says
//! where else it is.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use stackwarden_core::{Excerpts, Finding};

use super::{position, End, Sink};
use crate::grouping::{self, Group, Held};

pub(super) struct Agent<'w> {
    out: Box<dyn Write + 'w>,
    held: Held,
    /// The CDK apps' entry files seen so far, for the help of groups written later.
    app_entries: BTreeMap<PathBuf, PathBuf>,
}

impl<'w> Agent<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self {
            out,
            held: Held::default(),
            app_entries: BTreeMap::new(),
        }
    }

    fn write_group(&mut self, group: &Group) -> io::Result<()> {
        let line = group.shown.agent_line(
            group.occurrences().as_deref(),
            &group.help(&self.app_entries),
        );
        writeln!(self.out, "{line}")
    }
}

impl Sink for Agent<'_> {
    fn findings(
        &mut self,
        findings: &[Finding],
        excerpts: &Excerpts,
        app_entries: &BTreeMap<PathBuf, PathBuf>,
    ) -> io::Result<()> {
        self.app_entries.extend(app_entries.clone());
        for group in grouping::groups_now(findings, excerpts, &mut self.held, false) {
            self.write_group(&group)?;
        }
        Ok(())
    }

    fn finish(&mut self, end: &End<'_>) -> io::Result<()> {
        for group in std::mem::take(&mut self.held).into_groups() {
            self.write_group(&group)?;
        }
        for e in end.errors {
            writeln!(
                self.out,
                "{}{}: error: {}",
                e.path.display(),
                position(e.line, e.column),
                e.message
            )?;
        }
        self.out.flush()
    }
}
