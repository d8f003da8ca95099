//! `--format agent` (the default under Claude Code): one line per problem with its fix, nothing
//! decorative, so an agent can act on each line. A mistake found in several places (one
//! construct in every stack, one literal in the source and the templates) is one line that says
//! where else it is.

use std::io::{self, Write};

use stackwarden_core::{Excerpts, Finding};

use super::{position, End, Sink};
use crate::grouping::{self, Group, Held};

pub(super) struct Agent<'w> {
    out: Box<dyn Write + 'w>,
    held: Held,
}

impl<'w> Agent<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self {
            out,
            held: Held::default(),
        }
    }

    fn write_group(&mut self, group: &Group) -> io::Result<()> {
        let line = group
            .shown
            .agent_line(group.occurrences().as_deref(), &group.help());
        writeln!(self.out, "{line}")
    }
}

impl Sink for Agent<'_> {
    fn findings(&mut self, findings: &[Finding], _: &Excerpts) -> io::Result<()> {
        for same in grouping::at_same_position(findings) {
            if grouping::spans_files(&same[0]) {
                for f in same {
                    self.held.add(f.clone(), None);
                }
                continue;
            }
            let mut group = Group::new(same[0].clone(), None);
            for f in &same[1..] {
                group.add(f.clone(), None);
            }
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
