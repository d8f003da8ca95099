//! `--format agent` (the default under Claude Code): one line per problem with its fix, nothing
//! decorative, so an agent can act on each line. A mistake found in several places (one
//! construct in every stack, one literal in the source and the templates) is one line that says
//! where else it is.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use stackwarden_core::{Excerpts, Finding};

use super::{error_line, End, Sink};
use crate::grouping::{Group, Stream};

pub(super) struct Agent<'w> {
    out: Box<dyn Write + 'w>,
    groups: Stream,
}

impl<'w> Agent<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self {
            out,
            groups: Stream::default(),
        }
    }

    fn write_group(&mut self, group: &Group) -> io::Result<()> {
        let line = group
            .shown
            .agent_line(group.occurrences().as_deref(), &self.groups.help(group));
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
        for group in self.groups.chunk(findings, excerpts, app_entries, false) {
            self.write_group(&group)?;
        }
        Ok(())
    }

    fn finish(&mut self, end: &End<'_>) -> io::Result<()> {
        for group in self.groups.rest() {
            self.write_group(&group)?;
        }
        for error in end.errors {
            writeln!(self.out, "{}", error_line(error))?;
        }
        self.out.flush()
    }
}
