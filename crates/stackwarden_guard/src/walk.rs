//! Walks the shell syntax tree in execution order and hands every simple command it reaches, with
//! its expanded words and the shell state at that point, to the dispatcher. Here-document bodies
//! are data (only their `$(...)` run); functions, loop bodies and every branch of `if`/`case` are
//! judged, since the guard cannot know which branch runs.

use brush_parser::ast::{
    self, Command, CommandPrefixOrSuffixItem as Item, CompoundCommand, IoRedirect,
};

use crate::cdk::DiffKey;
use crate::context::Context;
use crate::decision::{Decision, Verdict, UNRESOLVED};
use crate::scope::Scope;
use crate::words::{self, Arg, Var};

/// Nesting of scripts inside scripts (`bash -c`, `$(...)`, npm scripts, make recipes) and of
/// compound commands; past it the guard stops looking and says so.
pub(crate) const MAX_DEPTH: usize = 100;
/// Simple commands judged for one command line; bounds the work on pathological input.
const MAX_STEPS: usize = 20_000;
/// `(`/`{` nesting the parser is allowed to see. brush-parser is recursive descent, so deeper input
/// is refused before parsing rather than risking the stack.
const MAX_SYNTAX_NESTING: usize = 150;
/// Loop values the body is judged with, one by one (`for s in dev prod; do cdk deploy $s; done`).
const MAX_LOOP_VALUES: usize = 8;

pub(crate) struct Walker<'c, 'a> {
    pub(crate) ctx: &'c Context<'a>,
    pub(crate) verdicts: Vec<Verdict>,
    /// `cdk diff` invocations met, for the PostToolUse ledger record.
    pub(crate) diffs: Vec<DiffKey>,
    steps: usize,
    /// Set when a bound stopped the walk early: the caller then judges the whole text.
    pub(crate) truncated: bool,
}

impl<'c, 'a> Walker<'c, 'a> {
    pub(crate) fn new(ctx: &'c Context<'a>) -> Self {
        Self {
            ctx,
            verdicts: Vec::new(),
            diffs: Vec::new(),
            steps: 0,
            truncated: false,
        }
    }

    pub(crate) fn push(
        &mut self,
        decision: Decision,
        rule: &'static str,
        seen: &str,
        reason: String,
    ) {
        let verdict = Verdict {
            decision,
            rule,
            reason,
            // Verdicts are printed and logged: a key written on the command line stays masked.
            seen: stackwarden_secret::mask_text(seen).into_owned(),
        };
        if !self.verdicts.contains(&verdict) {
            self.verdicts.push(verdict);
        }
    }

    /// Asks when `text` could reach AWS; used wherever the guard cannot see through.
    pub(crate) fn unresolved(&mut self, seen: &str, why: &str) {
        if mentions_cloud(seen) {
            self.push(
                Decision::Ask,
                UNRESOLVED,
                seen,
                format!("{why}, so the guard cannot tell whether `{}` deploys or deletes AWS resources. Write the command out literally (no eval, no command names built at run time).", shorten(seen)),
            );
        }
    }

    /// Judges the `$(...)` of text the shell expands but does not run (an unquoted
    /// here-document, arithmetic).
    fn heredoc(&mut self, body: &str, scope: &Scope, depth: usize) {
        match words::heredoc_substitutions(body) {
            Some(subs) => {
                for sub in subs {
                    self.script(&sub, &mut scope.clone(), depth + 1);
                }
            }
            None => self.unresolved(body, "a here-document's substitutions could not be read"),
        }
    }

    /// Parses and judges a script: the command line itself, a `bash -c` string, an npm script.
    pub(crate) fn script(&mut self, text: &str, scope: &mut Scope, depth: usize) {
        if depth > MAX_DEPTH {
            self.unresolved(text, "the command nests scripts too deeply");
            return;
        }
        if syntax_nesting(text) > MAX_SYNTAX_NESTING {
            self.unresolved(text, "the command nests subshells too deeply to inspect");
            return;
        }
        match parse_program(text) {
            Some(program) => self.program(&program, scope, depth),
            // bash would refuse it too, but the guard's grammar may be narrower than bash's:
            // when the text could reach AWS, a person decides.
            None => self.unresolved(text, "the command could not be parsed"),
        }
    }

    fn program(&mut self, program: &ast::Program, scope: &mut Scope, depth: usize) {
        for list in &program.complete_commands {
            self.list(list, scope, depth);
        }
    }

    fn list(&mut self, list: &ast::CompoundList, scope: &mut Scope, depth: usize) {
        for ast::CompoundListItem(and_or, separator) in &list.0 {
            if matches!(separator, ast::SeparatorOperator::Async) {
                // `cmd &` runs in a subshell-like child: its assignments do not come back.
                self.pipeline(&and_or.first, &mut scope.clone(), depth);
            } else {
                self.pipeline(&and_or.first, scope, depth);
            }
            for next in &and_or.additional {
                let (ast::AndOr::And(p) | ast::AndOr::Or(p)) = next;
                self.pipeline(p, scope, depth);
            }
        }
    }

    fn pipeline(&mut self, pipeline: &ast::Pipeline, scope: &mut Scope, depth: usize) {
        if pipeline.seq.len() == 1 {
            if let Some(command) = pipeline.seq.first() {
                self.command(command, scope, depth);
            }
            return;
        }
        for command in &pipeline.seq {
            self.command(command, &mut scope.clone(), depth);
        }
    }

    fn command(&mut self, command: &Command, scope: &mut Scope, depth: usize) {
        if depth > MAX_DEPTH {
            self.unresolved(&command.to_string(), "the command nests too deeply");
            return;
        }
        match command {
            Command::Simple(simple) => self.simple(simple, scope, depth),
            Command::Compound(compound, redirects) => {
                self.compound(compound, scope, depth + 1);
                if let Some(list) = redirects {
                    for redirect in &list.0 {
                        self.redirect(redirect, scope, depth, None);
                    }
                }
            }
            Command::Function(def) => self.compound(&def.body.0, &mut scope.clone(), depth + 1),
            Command::ExtendedTest(test, _) => {
                let text = test.expr.to_string();
                let expansion = words::expand(&text, &|_| None);
                if expansion.unread {
                    self.unresolved(&text, "a test expression could not be read");
                }
                for sub in expansion.substitutions {
                    self.script(&sub, &mut scope.clone(), depth + 1);
                }
            }
        }
    }

    fn compound(&mut self, compound: &CompoundCommand, scope: &mut Scope, depth: usize) {
        match compound {
            CompoundCommand::BraceGroup(group) => self.list(&group.list, scope, depth),
            CompoundCommand::Subshell(sub) => self.list(&sub.list, &mut scope.clone(), depth),
            CompoundCommand::IfClause(clause) => {
                self.list(&clause.condition, scope, depth);
                self.list(&clause.then, scope, depth);
                for other in clause.elses.iter().flatten() {
                    if let Some(condition) = &other.condition {
                        self.list(condition, scope, depth);
                    }
                    self.list(&other.body, scope, depth);
                }
            }
            CompoundCommand::ForClause(clause) => {
                let values: Vec<Arg> = clause
                    .values
                    .iter()
                    .flatten()
                    .map(|w| self.word(&w.value, scope, depth))
                    .collect();
                let literal: Vec<&str> = values.iter().filter_map(Arg::known).collect();
                if literal.len() == values.len()
                    && !literal.is_empty()
                    && literal.len() <= MAX_LOOP_VALUES
                {
                    for value in literal {
                        let mut inner = scope.clone();
                        inner.set(&clause.variable_name, Var::Known(value.to_string()));
                        self.list(&clause.body.list, &mut inner, depth);
                    }
                } else {
                    let raw = values
                        .iter()
                        .map(|a| a.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    scope.set(&clause.variable_name, Var::Unknown(raw));
                    self.list(&clause.body.list, scope, depth);
                }
            }
            CompoundCommand::ArithmeticForClause(clause) => {
                self.list(&clause.body.list, scope, depth)
            }
            CompoundCommand::CaseClause(clause) => {
                self.word(&clause.value.value, scope, depth);
                for item in &clause.cases {
                    if let Some(list) = &item.cmd {
                        self.list(list, scope, depth);
                    }
                }
            }
            CompoundCommand::WhileClause(clause) | CompoundCommand::UntilClause(clause) => {
                self.list(&clause.0, scope, depth);
                self.list(&clause.1.list, scope, depth);
            }
            CompoundCommand::Coprocess(co) => self.command(&co.body, &mut scope.clone(), depth),
            // brush-parser reads `( ( cmd ) )` as arithmetic `(( cmd ))`, where bash falls back to
            // nested subshells when the text is no arithmetic. So the text is judged as commands
            // when it parses as such (harmless for real arithmetic: `i++` is no tool), and its
            // `$(...)`, which run either way, always are. Parsed once and walked: parsing to test
            // and then again to walk doubled the work at every level, exponential in nested `((`
            // (a 49-byte command found by the fuzzer took a second).
            CompoundCommand::Arithmetic(arith) => {
                let text = &arith.expr.value;
                let program = (syntax_nesting(text) <= MAX_SYNTAX_NESTING)
                    .then(|| parse_program(text))
                    .flatten();
                if program.is_some() && depth >= MAX_DEPTH {
                    self.unresolved(text, "the command nests scripts too deeply");
                } else if let Some(program) = program {
                    self.program(&program, &mut scope.clone(), depth + 1);
                } else {
                    self.heredoc(text, scope, depth);
                }
            }
        }
    }

    /// Expands a word and judges the command substitutions inside it.
    pub(crate) fn word(&mut self, raw: &str, scope: &Scope, depth: usize) -> Arg {
        let env = &self.ctx.env;
        let expansion = words::expand(raw, &|name| scope.get(name, env));
        if expansion.unread {
            self.unresolved(raw, "a word of the command could not be read");
        }
        for sub in &expansion.substitutions {
            self.script(sub, &mut scope.clone(), depth + 1);
        }
        expansion.arg
    }

    fn simple(&mut self, simple: &ast::SimpleCommand, scope: &mut Scope, depth: usize) {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.truncated = true;
            return;
        }
        let mut assignments: Vec<(String, Var, bool)> = Vec::new();
        let mut argv: Vec<Arg> = Vec::new();
        let mut redirects: Vec<&IoRedirect> = Vec::new();
        let items = simple.prefix.iter().flat_map(|p| p.0.iter());
        let suffix = simple.suffix.iter().flat_map(|s| s.0.iter());
        for item in items {
            match item {
                Item::AssignmentWord(assignment, _) => {
                    if let Some(a) = self.assignment(assignment, scope, depth) {
                        assignments.push(a);
                    }
                }
                Item::IoRedirect(r) => redirects.push(r),
                Item::Word(w) => argv.push(self.word(&w.value, scope, depth)),
                Item::ProcessSubstitution(_, sub) => {
                    self.list(&sub.list, &mut scope.clone(), depth + 1)
                }
            }
        }
        if let Some(name) = &simple.word_or_name {
            argv.push(self.word(&name.value, scope, depth));
        }
        for item in suffix {
            match item {
                Item::Word(w) => argv.push(self.word(&w.value, scope, depth)),
                // `export A=b` / `declare A=b`: brush hands these as assignment words.
                Item::AssignmentWord(_, w) => argv.push(self.word(&w.value, scope, depth)),
                Item::IoRedirect(r) => redirects.push(r),
                Item::ProcessSubstitution(_, sub) => {
                    self.list(&sub.list, &mut scope.clone(), depth + 1)
                }
            }
        }
        let seen = simple.to_string();
        crate::credentials::check_assignments(self, &assignments, &seen);
        if argv.is_empty() {
            // Bare assignments change the shell itself.
            for (name, value, _) in assignments {
                scope.set(&name, value);
            }
            for redirect in redirects {
                self.redirect(redirect, scope, depth, None);
            }
            return;
        }
        let mut command_scope = scope.clone();
        for (name, value, _) in assignments {
            command_scope.set(&name, value);
        }
        for redirect in &redirects {
            self.redirect(redirect, &command_scope, depth, Some(&argv));
        }
        crate::credentials::check_redirects(self, &redirects, &argv, &seen);
        crate::engine::dispatch(self, argv, &mut command_scope, depth, scope);
    }

    fn assignment(
        &mut self,
        a: &ast::Assignment,
        scope: &Scope,
        depth: usize,
    ) -> Option<(String, Var, bool)> {
        let ast::AssignmentName::VariableName(name) = &a.name else {
            return None;
        };
        let value = match &a.value {
            ast::AssignmentValue::Scalar(w) => {
                let arg = self.word(&w.value, scope, depth);
                if arg.literal {
                    Var::Known(arg.text)
                } else {
                    Var::Unknown(arg.text)
                }
            }
            ast::AssignmentValue::Array(_) => Var::Unknown(a.to_string()),
        };
        Some((name.clone(), value, a.append))
    }

    /// Here-documents and here-strings are data, except when fed to a shell (`bash <<EOF`), and
    /// except the `$(...)` inside an unquoted here-document, which the shell runs.
    fn redirect(
        &mut self,
        redirect: &IoRedirect,
        scope: &Scope,
        depth: usize,
        argv: Option<&[Arg]>,
    ) {
        let feeds_shell = argv.is_some_and(crate::wrappers::is_shell_reading_stdin);
        match redirect {
            IoRedirect::HereDocument(_, doc) => {
                if feeds_shell {
                    self.script(&doc.doc.value, &mut scope.clone(), depth + 1);
                } else if doc.requires_expansion {
                    self.heredoc(&doc.doc.value, scope, depth);
                }
            }
            IoRedirect::HereString(_, word) => {
                let arg = self.word(&word.value, scope, depth);
                if feeds_shell {
                    match arg.known() {
                        Some(text) => self.script(text, &mut scope.clone(), depth + 1),
                        None => {
                            self.unresolved(&arg.text, "a shell reads a script built at run time")
                        }
                    }
                }
            }
            IoRedirect::File(_, _, target) => match target {
                ast::IoFileRedirectTarget::Filename(w)
                | ast::IoFileRedirectTarget::Duplicate(w) => {
                    self.word(&w.value, scope, depth);
                }
                ast::IoFileRedirectTarget::ProcessSubstitution(_, sub) => {
                    self.list(&sub.list, &mut scope.clone(), depth + 1);
                }
                ast::IoFileRedirectTarget::Fd(_) => {}
            },
            IoRedirect::OutputAndError(w, _) => {
                self.word(&w.value, scope, depth);
            }
        }
    }
}

/// Whether a text could reach AWS: it names one of the tools the guard judges. Words are split
/// on anything that is not a letter or digit, so `npx aws-cdk`, `/usr/bin/aws` and `$(echo cdk)`
/// all count while `awesome` does not.
pub(crate) fn mentions_cloud(text: &str) -> bool {
    const TOOLS: &[&str] = &[
        "aws",
        "cdk",
        "sam",
        "terraform",
        "tofu",
        "cdktf",
        "cloudformation",
        "deploy",
        "destroy",
        "pulumi",
        "serverless",
        "sls",
        "eksctl",
        "amplify",
        "copilot",
    ];
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| TOOLS.iter().any(|tool| word.eq_ignore_ascii_case(tool)))
}

/// The parsed script, or `None` when it does not parse. brush-parser 0.4 panics on some input (a
/// file-descriptor number too large for an integer, `c 8888888888888888888<44`, found by
/// fuzzing): that is a parse failure too, so the command is judged as unresolved, never allowed
/// by accident. (The CLI's panic hook keeps the contained panic off stderr.)
///
/// Text with more than [`MAX_UNCLOSED_PARENS`] unclosed `(` is not handed to the parser: brush's
/// backtracking tries every reading of them before failing, four times the work per `(` (a
/// 49-byte command with 22 took a second, found by fuzzing). bash rejects unclosed `(` anyway,
/// as it rejects a here-document operator without a delimiter, on which brush can loop (see
/// [`heredoc_without_delimiter`]). Text with many `$((` that may be subshells is not handed
/// over either (see [`words::too_ambiguous`]), nor a `name[...` word with many brackets (see
/// [`subscript_word_too_deep`]).
fn parse_program(text: &str) -> Option<ast::Program> {
    if unclosed_parens(text) > MAX_UNCLOSED_PARENS
        || heredoc_without_delimiter(text)
        || words::too_ambiguous(text)
        || subscript_word_too_deep(text)
    {
        return None;
    }
    std::panic::catch_unwind(|| {
        brush_parser::Parser::new(std::io::BufReader::new(text.as_bytes()), &words::options())
            .parse_program()
            .ok()
    })
    .ok()
    .flatten()
}

/// Where brush-parser's time to reject unclosed `(` is still well under a millisecond.
const MAX_UNCLOSED_PARENS: usize = 8;

/// `(` left open at the end of the text, outside single quotes and comments and not escaped.
/// Double quotes are not skipped: a `$(` inside them opens a substitution the parser reads too.
fn unclosed_parens(text: &str) -> usize {
    code_bytes(text).fold(0usize, |open, (_, byte)| match byte {
        b'(' => open + 1,
        b')' => open.saturating_sub(1),
        _ => open,
    })
}

/// Where brush's reading of a `name[...` word still takes a few milliseconds (17 brackets:
/// 12 ms in release; 23: 0.13 s; 27: 0.28 s).
const MAX_BRACKETS_AFTER_SUBSCRIPT: usize = 16;

/// A word that starts like an array element assignment (`name[`) followed by more than
/// [`MAX_BRACKETS_AFTER_SUBSCRIPT`] `[`: brush's program parser tries such words as
/// `name[subscript]=value` and backtracks through the brackets of the subscript, which (with
/// `$[`, `$((` or quotes in it) can run past spaces to the end of the text. Found by fuzzing: a
/// 120-byte word took 0.28 s in release, over 10 s instrumented. Real commands have a few
/// (`arr[$i]=x`, `ls file[0-9][0-9].txt`, `[ -f x ]`).
fn subscript_word_too_deep(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut at_word_start, mut in_name) = (true, false);
    for (i, &byte) in bytes.iter().enumerate() {
        if in_name && byte == b'[' {
            let brackets = bytes[i..].iter().filter(|&&b| b == b'[').count();
            return brackets > MAX_BRACKETS_AFTER_SUBSCRIPT;
        }
        let boundary = matches!(byte, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(');
        in_name = if at_word_start {
            byte.is_ascii_alphabetic() || byte == b'_'
        } else {
            in_name && (byte.is_ascii_alphanumeric() || byte == b'_')
        };
        at_word_start = boundary;
    }
    false
}

/// A here-document operator with no word after it (`<< ;`, `<< <<`, `<<` at the end, a syntax
/// error in bash), with an empty one (`<<''`, or only carriage returns and form feeds, which
/// brush trims away) or with a substitution in it (`<<$(`; bash never expands a delimiter, and
/// no agent writes any of these): input on which brush-parser 0.4 can loop without end,
/// allocating as it goes. Found by fuzzing: `zx &$(<< <<\"k ` grew to 1.4 GB, `cat <<'' - ` to
/// 3.4 GB and `cat <<$(\t ` to 3.5 GB before the 5 s budget ran out; `cat <<\r ` spun for the
/// whole 5 s.
fn heredoc_without_delimiter(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut skip_to = 0;
    for (i, byte) in code_bytes(text) {
        if i < skip_to || byte != b'<' || bytes.get(i + 1) != Some(&b'<') {
            continue;
        }
        if bytes.get(i + 2) == Some(&b'<') {
            skip_to = i + 3; // `<<<`, a here-string
            continue;
        }
        let mut next = i + 2;
        if bytes.get(next) == Some(&b'-') {
            next += 1;
        }
        while matches!(bytes.get(next), Some(b' ' | b'\t')) {
            next += 1;
        }
        // `(` is left out: `$(( x << (y) ))` is an arithmetic shift, not a here-document.
        match bytes.get(next) {
            None | Some(b'<' | b'>' | b';' | b'&' | b'|' | b')' | b'\n') => return true,
            Some(_) => {
                let word = &bytes[next..];
                if empty_quoted_word(word) || blank_word(word) || substitution_in_word(word) {
                    return true;
                }
                skip_to = next;
            }
        }
    }
    false
}

/// `''` or `""` standing alone as a word: an empty here-document delimiter.
fn empty_quoted_word(rest: &[u8]) -> bool {
    matches!(rest, [b'\'', b'\'', ..] | [b'"', b'"', ..])
        && rest
            .get(2)
            .is_none_or(|b| b.is_ascii_whitespace() || b"<>;&|()".contains(b))
}

/// A word made only of carriage returns and form feeds: bash reads them as word characters,
/// brush trims them as white space and is left with an empty delimiter.
fn blank_word(rest: &[u8]) -> bool {
    let end = rest
        .iter()
        .position(|b| b" \t\n<>;&|()".contains(b))
        .unwrap_or(rest.len());
    end > 0 && rest[..end].iter().all(|b| matches!(b, b'\r' | b'\x0c'))
}

/// A `$(` or `$[` in the word that starts `rest` (outside single quotes).
fn substitution_in_word(rest: &[u8]) -> bool {
    let (mut single, mut double) = (false, false);
    for (i, &byte) in rest.iter().enumerate() {
        match byte {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            _ if single || double => {}
            b' ' | b'\t' | b'\n' | b'<' | b'>' | b';' | b'&' | b'|' | b'(' | b')' => return false,
            _ => {}
        }
        if byte == b'$' && !single && matches!(rest.get(i + 1), Some(b'(' | b'[')) {
            return true;
        }
    }
    false
}

/// The bytes of `text` that the shell reads as code, with their offsets: outside single quotes
/// and comments, and not escaped by a backslash.
fn code_bytes(text: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let (mut single, mut double, mut comment, mut escaped) = (false, false, false, false);
    let mut previous = b' ';
    text.bytes().enumerate().filter_map(move |(i, byte)| {
        let code = match byte {
            _ if escaped => {
                escaped = false;
                false
            }
            b'\n' if comment => {
                comment = false;
                true
            }
            _ if comment => false,
            b'\'' if !double => {
                single = !single;
                false
            }
            _ if single => false,
            b'"' => {
                double = !double;
                false
            }
            b'\\' => {
                escaped = true;
                false
            }
            b'#' if !double && previous.is_ascii_whitespace() => {
                comment = true;
                false
            }
            _ => true,
        };
        previous = byte;
        code.then_some((i, byte))
    })
}

/// Deepest `(`/`{` nesting in the raw text, quotes ignored: an over-estimate, only used to refuse
/// input that would recurse the parser too deep.
fn syntax_nesting(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for byte in text.bytes() {
        match byte {
            b'(' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 160;
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        format!("{}…", one_line.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_parens_skip_quotes_comments_and_escapes() {
        assert_eq!(unclosed_parens("(( x ))"), 0);
        assert_eq!(unclosed_parens("((((( x"), 5);
        assert_eq!(unclosed_parens("echo '((((' \\( # (((\n("), 1);
        assert_eq!(unclosed_parens("echo \"it's ((\""), 2);
        assert_eq!(unclosed_parens("case $x in a) y;; esac"), 0);
    }

    #[test]
    fn here_documents_need_a_delimiter_word() {
        for bad in ["cat <<", "cat << ;x", "$(<< <<k ", "x <<- >y", "cat <<\n"] {
            assert!(heredoc_without_delimiter(bad), "{bad:?}");
        }
        for good in [
            "cat <<EOF\nx\nEOF",
            "cat <<- 'E'",
            "cat <<<word",
            "echo '<< ;'",
            "a<<b",
        ] {
            assert!(!heredoc_without_delimiter(good), "{good:?}");
        }
        assert!(heredoc_without_delimiter("cat <<'' - "));
        assert!(heredoc_without_delimiter("cat <<\"\""));
        assert!(!heredoc_without_delimiter("cat <<''EOF"));
    }
}
