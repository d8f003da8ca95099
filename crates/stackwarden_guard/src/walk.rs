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
use crate::pipes;
use crate::scope::Scope;
use crate::words::{self, Arg, Var};

/// Nesting of scripts inside scripts (`bash -c`, `$(...)`, npm scripts, make recipes) and of
/// compound commands; past it the guard stops looking and says so.
pub(crate) const MAX_DEPTH: usize = 100;
/// Simple commands judged for one command line; bounds the work on pathological input.
const MAX_STEPS: usize = 100_000;
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
    /// Whether the command being walked certainly ran, and succeeded, if the whole command line
    /// exited 0: it is in the last `&&` chain of the line (no `||` in it), last in its
    /// pipeline, outside branches, loops, functions and substitutions. Only such a `cdk diff`
    /// is recorded after a successful tool call: `false && cdk diff; true` reviewed nothing.
    pub(crate) certain: bool,
    /// Whether the command being walked prints into the agent's transcript: its output is not
    /// captured (`$(...)`), not redirected to a file, and not piped into a command that does
    /// something with it other than print it (see `transcript`).
    pub(crate) shown: bool,
    /// Inside the body of a function (or an alias) judged where it is defined, not where it is
    /// called: what it runs with its arguments is judged at each call, so text built from them
    /// is only asked about when it names a tool (see `engine::run_step`).
    pub(crate) defining: usize,
    /// Credentials an earlier AWS call of this command line obtained (`sts assume-role`,
    /// `configure export-credentials`): where later calls without `--profile` act.
    pub(crate) obtained: Option<crate::target::Target>,
    /// The command line writes the AWS config (`>> ~/.aws/config`, `aws configure set`): what a
    /// profile means after that is not what the config read before it says.
    pub(crate) aws_config_changed: bool,
    /// The functions being called, innermost last: a function calling itself is not walked
    /// again (its body was judged when it was defined).
    calling: Vec<String>,
    /// What the simple command being dispatched reads on stdin, when known (a here-string,
    /// a here-document, a readable file): `read`, `mapfile` use it.
    pub(crate) stdin: crate::builtins::Input,
    /// The `IFS` the simple command being dispatched runs with (`IFS=, read a b`), `None` when
    /// only known at run time.
    pub(crate) ifs: Option<String>,
    /// Files this command line has written so far, by absolute path: their text when it is
    /// known (a here-document or `echo` of literal words redirected into it), `None` when not.
    /// A script run from one of them is judged by that text, not by what the file held before.
    pub(crate) written: std::collections::BTreeMap<std::path::PathBuf, Option<String>>,
    /// Variables the words of the simple command being expanded assign (`${P:=ops}`): set in
    /// its scope once its words are expanded.
    assigned: Vec<(String, Var)>,
}

impl<'c, 'a> Walker<'c, 'a> {
    pub(crate) fn new(ctx: &'c Context<'a>) -> Self {
        Self {
            ctx,
            verdicts: Vec::new(),
            diffs: Vec::new(),
            steps: 0,
            truncated: false,
            certain: true,
            shown: true,
            defining: 0,
            calling: Vec::new(),
            assigned: Vec::new(),
            obtained: None,
            aws_config_changed: false,
            stdin: None,
            ifs: Some(" \t\n".to_string()),
            written: std::collections::BTreeMap::new(),
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

    /// Asks when a command the guard sees, but whose name or tool arguments are built at run
    /// time, could reach AWS (it names one of the tools the guard judges).
    pub(crate) fn unresolved(&mut self, seen: &str, why: &str) {
        if mentions_cloud(seen) {
            self.unseen(seen, why);
        }
    }

    /// Asks, whatever the text says, when the guard cannot see what will run at all: text it
    /// cannot parse or read, text past its bounds, a shell or `eval` running text built at run
    /// time. Matching the text for tool names here would be guessing: `a\ws s3 rb` names no
    /// tool until the shell removes the backslash.
    pub(crate) fn unseen(&mut self, seen: &str, why: &str) {
        self.push(
            Decision::Ask,
            UNRESOLVED,
            seen,
            format!("{why}, so the guard cannot tell whether `{}` deploys or deletes AWS resources. Write the command out literally (no eval, no command names built at run time).", shorten(seen)),
        );
    }

    /// Judges the `$(...)` of text the shell expands but does not run (an unquoted
    /// here-document, arithmetic).
    fn heredoc(&mut self, body: &str, scope: &Scope, depth: usize) {
        match words::heredoc_substitutions(body) {
            Some(subs) => {
                for sub in subs {
                    self.substitution(&sub, scope, depth);
                }
            }
            None => self.unseen(body, "a here-document's substitutions could not be read"),
        }
    }

    /// Parses and judges a script: the command line itself, a `bash -c` string, an npm script.
    pub(crate) fn script(&mut self, text: &str, scope: &mut Scope, depth: usize) {
        if depth > MAX_DEPTH {
            self.unseen(text, "the command nests scripts too deeply");
            return;
        }
        match parse_program(text) {
            Some(program) => self.program(&program, scope, depth),
            // bash would refuse it too, but the guard's grammar may be narrower than bash's:
            // when the text could reach AWS, a person decides.
            None => self.unseen(text, "the command could not be parsed"),
        }
    }

    /// Runs `walk` with [`Walker::certain`] and [`Walker::shown`] narrowed (`false` turns one
    /// off for what `walk` reaches, `true` keeps what the enclosing command had), then restores
    /// them.
    fn narrowed<R>(&mut self, certain: bool, shown: bool, walk: impl FnOnce(&mut Self) -> R) -> R {
        let outer = (self.certain, self.shown);
        self.certain = outer.0 && certain;
        self.shown = outer.1 && shown;
        let result = walk(self);
        (self.certain, self.shown) = outer;
        result
    }

    fn program(&mut self, program: &ast::Program, scope: &mut Scope, depth: usize) {
        let count = program.complete_commands.len();
        for (i, list) in program.complete_commands.iter().enumerate() {
            self.narrowed(i + 1 == count, true, |w| w.list(list, scope, depth));
        }
    }

    fn list(&mut self, list: &ast::CompoundList, scope: &mut Scope, depth: usize) {
        let count = list.0.len();
        for (i, ast::CompoundListItem(and_or, separator)) in list.0.iter().enumerate() {
            let asynchronous = matches!(separator, ast::SeparatorOperator::Async);
            let only_and = and_or
                .additional
                .iter()
                .all(|next| matches!(next, ast::AndOr::And(_)));
            let certain = i + 1 == count && !asynchronous && only_and;
            self.narrowed(certain, true, |w| {
                if asynchronous {
                    // `cmd &` runs in a subshell-like child: its assignments do not come back.
                    w.pipeline(&and_or.first, &mut scope.clone(), depth);
                } else {
                    w.pipeline(&and_or.first, scope, depth);
                }
                for next in &and_or.additional {
                    let (ast::AndOr::And(p) | ast::AndOr::Or(p)) = next;
                    w.pipeline(p, scope, depth);
                }
            });
        }
    }

    fn pipeline(&mut self, pipeline: &ast::Pipeline, scope: &mut Scope, depth: usize) {
        // A pipeline's status is its last command's (no pipefail), inverted by `!`.
        if pipeline.seq.len() == 1 {
            if let Some(command) = pipeline.seq.first() {
                self.narrowed(!pipeline.bang, true, |w| w.command(command, scope, depth));
            }
            return;
        }
        let count = pipeline.seq.len();
        // `.skip(1)`, not `[1..]`: a bare `!` is a pipeline of no command.
        for (previous, shell) in pipeline.seq.iter().zip(pipeline.seq.iter().skip(1)) {
            if pipes::reads_script_on_stdin(shell) {
                // `echo 'cdk destroy' | sh`: the shell runs what the command before it prints.
                match pipes::literal_output(previous) {
                    Some(script) => self.narrowed(false, true, |w| {
                        w.script(&script, &mut scope.clone(), depth + 1)
                    }),
                    None => self.unseen(
                        &format!("{previous} | {shell}"),
                        "a shell runs the output of a command",
                    ),
                }
            } else {
                // `echo '…' | python3`: an interpreter reading its program (interpreters.rs).
                crate::interpreters::piped(self, previous, shell, scope, depth);
            }
        }
        for (i, command) in pipeline.seq.iter().enumerate() {
            let certain = i + 1 == count && !pipeline.bang;
            // Output piped on reaches the transcript only through commands that print it.
            let shown = pipeline.seq[i + 1..].iter().all(pipes::prints_its_input);
            self.narrowed(certain, shown, |w| {
                w.command(command, &mut scope.clone(), depth)
            });
        }
    }

    fn command(&mut self, command: &Command, scope: &mut Scope, depth: usize) {
        if depth > MAX_DEPTH {
            self.unseen(&command.to_string(), "the command nests too deeply");
            return;
        }
        match command {
            Command::Simple(simple) => self.simple(simple, scope, depth),
            Command::Compound(compound, redirects) => {
                // A group or subshell runs its list once, in order; every other compound
                // command branches or loops.
                let straight = matches!(
                    compound,
                    CompoundCommand::BraceGroup(_) | CompoundCommand::Subshell(_)
                );
                self.narrowed(straight, true, |w| w.compound(compound, scope, depth + 1));
                if let Some(list) = redirects {
                    for redirect in &list.0 {
                        self.redirect(redirect, scope, depth, None);
                    }
                }
            }
            Command::Function(def) => {
                scope.define_function(&def.fname.value, def.body.clone());
                self.defining += 1;
                self.narrowed(false, true, |w| {
                    w.compound(&def.body.0, &mut scope.clone(), depth + 1)
                });
                self.defining -= 1;
            }
            Command::ExtendedTest(test, _) => {
                let text = test.expr.to_string();
                let expansion = words::expand(&text, &|_| None);
                if expansion.unread {
                    self.unseen(&text, "a test expression could not be read");
                }
                for sub in expansion.substitutions {
                    self.substitution(&sub, scope, depth);
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
                    .flat_map(|w| self.fields(&w.value, scope, depth))
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
                let program = parse_program(text);
                if program.is_some() && depth >= MAX_DEPTH {
                    self.unseen(text, "the command nests scripts too deeply");
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
        self.expansion(raw, scope, depth).arg
    }

    fn expansion(&mut self, raw: &str, scope: &Scope, depth: usize) -> words::Expansion {
        let env = &self.ctx.env;
        let expansion = words::expand(raw, &|name| scope.get(name, env));
        if expansion.unread {
            self.unseen(raw, "a word of the command could not be read");
        }
        self.assigned
            .extend(words::default_assignments(raw, &|name| {
                scope.get(name, env)
            }));
        for sub in &expansion.substitutions {
            self.substitution(sub, scope, depth);
        }
        expansion
    }

    /// The words one shell word becomes: expanded, then, when unquoted, split into fields
    /// (`CMD="cdk destroy"; $CMD` runs `cdk` with `destroy`) and brace-expanded
    /// (`cdk {destroy,synth}`), as the shell does before it runs a command.
    /// An array or the positional parameters (`"${a[@]}"`, `"$@"`) give one word per element.
    fn fields(&mut self, raw: &str, scope: &Scope, depth: usize) -> Vec<Arg> {
        let quoted = raw.contains(['\'', '"', '\\']);
        let env = &self.ctx.env;
        // Unquoted expansions split on the characters of `IFS` (`IFS=,; $*`); when `IFS` is
        // only known at run time, so are the words.
        let ifs = crate::builtins::ifs(scope, env);
        let split = |text: &str| -> Option<Vec<Arg>> {
            let ifs = ifs.as_deref()?;
            Some(
                crate::builtins::split_fields(text, ifs)
                    .into_iter()
                    .map(Arg::lit)
                    .collect(),
            )
        };
        let unknown_split = || {
            vec![Arg {
                from_output: true,
                ..Arg::dynamic(format!(
                    "{raw}{}",
                    " (= split on an IFS only known at run time)"
                ))
            }]
        };
        let elements = words::list_elements(raw, &|name| scope.get(name, env));
        if let Some(elements) = elements.filter(|e| e.iter().any(|v| !matches!(v, Var::Known(_)))) {
            // Some element is unknown: the known ones are still words of their own.
            return elements
                .into_iter()
                .flat_map(|element| match element {
                    Var::Known(text) if quoted => vec![Arg::lit(text)],
                    Var::Known(text) => split(&text).unwrap_or_else(unknown_split),
                    other => {
                        let origin = match other {
                            Var::Unknown(origin) => origin,
                            _ => raw.to_string(),
                        };
                        vec![Arg {
                            from_output: origin.contains("$(") || origin.contains('`'),
                            origins: vec![origin.clone()],
                            ..Arg::dynamic(format!("{raw} (= {origin})"))
                        }]
                    }
                })
                .collect();
        }
        let expansion = self.expansion(raw, scope, depth);
        if let Some(fields) = expansion.fields {
            return fields
                .iter()
                .flat_map(|field| {
                    if quoted {
                        vec![Arg::lit(field.as_str())]
                    } else {
                        split(field).unwrap_or_else(unknown_split)
                    }
                })
                .collect();
        }
        let arg = expansion.arg;
        if quoted || !arg.literal {
            return vec![arg];
        }
        if raw.contains('$') {
            // An empty expansion is no word at all.
            return split(&arg.text).unwrap_or_else(unknown_split);
        }
        crate::words::brace_expand(&arg.text)
            .into_iter()
            .map(Arg::lit)
            .collect()
    }

    /// What a command reads on stdin, when the command line says and it is known.
    fn input(&self, redirects: &[&IoRedirect], scope: &Scope) -> crate::builtins::Input {
        let mut input = None;
        for redirect in redirects {
            match redirect {
                IoRedirect::HereString(fd, word) if fd.is_none_or(|fd| fd == 0) => {
                    let env = &self.ctx.env;
                    input = words::expand(&word.value, &|name| scope.get(name, env))
                        .arg
                        .known()
                        .map(|text| format!("{text}\n"));
                }
                IoRedirect::HereDocument(fd, doc) if fd.is_none_or(|fd| fd == 0) => {
                    input = crate::scripts::heredoc_text(doc);
                }
                IoRedirect::File(fd, ast::IoFileRedirectKind::Read, target)
                    if fd.is_none_or(|fd| fd == 0) =>
                {
                    input = match target {
                        ast::IoFileRedirectTarget::Filename(w) => {
                            let env = &self.ctx.env;
                            words::expand(&w.value, &|name| scope.get(name, env))
                                .arg
                                .known()
                                .and_then(|path| {
                                    crate::scripts::read_file(self, &scope.cwd.join(path))
                                })
                        }
                        _ => None,
                    };
                }
                _ => {}
            }
        }
        input
    }

    /// A command substitution's body: it runs, but its status is not the command line's.
    fn substitution(&mut self, body: &str, scope: &Scope, depth: usize) {
        self.narrowed(false, false, |w| {
            w.script(body, &mut scope.clone(), depth + 1)
        });
    }

    /// A process substitution (`<(...)`, `>(...)`): it runs beside the command, unwaited for.
    fn process_substitution(&mut self, sub: &ast::SubshellCommand, scope: &Scope, depth: usize) {
        self.narrowed(false, false, |w| {
            w.list(&sub.list, &mut scope.clone(), depth + 1)
        });
    }

    fn simple(&mut self, simple: &ast::SimpleCommand, scope: &mut Scope, depth: usize) {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.truncated = true;
            return;
        }
        if let Some(name) = &simple.word_or_name {
            // Aliases are replaced before the shell reads the rest: only an unquoted name is one.
            let plain = !name.value.contains(['\'', '"', '\\', '$', '`']);
            if let Some(value) = plain.then(|| scope.alias(&name.value).cloned()).flatten() {
                self.alias(simple, &name.value, value, scope, depth);
                return;
            }
        }
        let mut assignments: Vec<(String, Var, bool)> = Vec::new();
        // Arrays given to `declare -a`/`local -a`/`typeset`/`readonly` (`local -a a=(x y)`).
        let mut declared: Vec<(String, Var)> = Vec::new();
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
                Item::Word(w) => argv.extend(self.fields(&w.value, scope, depth)),
                Item::ProcessSubstitution(_, sub) => self.process_substitution(sub, scope, depth),
            }
        }
        if let Some(name) = &simple.word_or_name {
            argv.extend(self.fields(&name.value, scope, depth));
        }
        for item in suffix {
            match item {
                Item::Word(w) => argv.extend(self.fields(&w.value, scope, depth)),
                // `declare -a a=(x y)`, `local a[1]=x`: the array is set by the builtin below.
                Item::AssignmentWord(a, _)
                    if matches!(a.value, ast::AssignmentValue::Array(_))
                        || matches!(a.name, ast::AssignmentName::ArrayElementName(..)) =>
                {
                    if let Some((name, value, _)) = self.assignment(a, scope, depth) {
                        argv.push(Arg::lit(name.as_str()));
                        declared.push((name, value));
                    }
                }
                // `export A=b` / `declare A=b`: brush hands these as assignment words.
                Item::AssignmentWord(_, w) => argv.push(self.word(&w.value, scope, depth)),
                Item::IoRedirect(r) => redirects.push(r),
                Item::ProcessSubstitution(_, sub) => self.process_substitution(sub, scope, depth),
            }
        }
        for (name, value) in std::mem::take(&mut self.assigned) {
            scope.set(&name, value);
        }
        let seen = simple.to_string();
        let declares = argv.first().and_then(Arg::known).is_some_and(|name| {
            matches!(
                name,
                "declare" | "typeset" | "local" | "readonly" | "export"
            )
        });
        if declares {
            let reference = argv.first().and_then(Arg::known) != Some("export")
                && crate::builtins::declares_reference(&argv[1..]);
            for (name, value) in declared {
                let value = if reference {
                    Var::Unknown(crate::scope::run_time_origin(&format!("declare -n {name}")))
                } else {
                    value
                };
                scope.set(&name, value);
            }
        }
        // `source <(curl …)`, `bash <(…)`: the shell runs another command's output.
        let runs_substitution = simple
            .suffix
            .iter()
            .flat_map(|s| s.0.iter())
            .any(|item| matches!(item, Item::ProcessSubstitution(..)));
        if runs_substitution
            && argv
                .first()
                .and_then(Arg::known)
                .is_some_and(pipes::runs_scripts)
        {
            self.unseen(&seen, "a shell runs the output of a command");
        }
        crate::credentials::check_assignments(self, &assignments, &seen);
        // The files the command writes through redirections; `> f` alone truncates `f`.
        let ctx = self.ctx;
        let written =
            crate::credentials::redirect_targets(&redirects, &|name| scope.get(name, &ctx.env));
        let changed = crate::self_protection::files_written(&argv, &written);
        crate::self_protection::check_redirected(self, &argv, &redirects, &written, scope, &seen);
        crate::transcript::check_redirected(self, &argv, &redirects, scope, &seen);
        if changed
            .iter()
            .any(|file| crate::profiles::is_aws_config_file(file))
        {
            self.aws_config_changed = true;
        }
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
        crate::credentials::check_redirects(self, &redirects, written, &argv, &seen);
        let to_file = redirects.iter().any(|r| pipes::stdout_to_file(r));
        self.stdin = self.input(&redirects, &command_scope);
        self.ifs = crate::builtins::ifs(&command_scope, &self.ctx.env);
        crate::scripts::record_writes(self, &argv, &redirects, &command_scope);
        self.narrowed(true, !to_file, |w| {
            crate::engine::dispatch(w, argv, &mut command_scope, depth, scope)
        });
    }

    fn assignment(
        &mut self,
        a: &ast::Assignment,
        scope: &Scope,
        depth: usize,
    ) -> Option<(String, Var, bool)> {
        let (name, index) = match &a.name {
            ast::AssignmentName::VariableName(name) => (name, None),
            ast::AssignmentName::ArrayElementName(name, index) => (name, Some(index)),
        };
        let env = &self.ctx.env;
        let current = || scope.get(name, env);
        let value = match &a.value {
            ast::AssignmentValue::Scalar(w) => {
                let arg = self.word(&w.value, scope, depth);
                let value = as_var(arg);
                match index {
                    // `a[1]=destroy`: one element of the array, at a known position.
                    Some(index) => match index.trim().parse::<usize>() {
                        Ok(at) => {
                            let mut items = current().map(Var::into_list).unwrap_or_default();
                            if a.append {
                                let old = items.get(at).cloned();
                                items.resize(items.len().max(at + 1), Var::Known(String::new()));
                                items[at] = appended(old, value);
                            } else {
                                items.resize(items.len().max(at + 1), Var::Known(String::new()));
                                items[at] = value;
                            }
                            Var::List(items)
                        }
                        Err(_) => Var::Unknown(a.to_string()),
                    },
                    None if a.append => appended(current(), value),
                    None => value,
                }
            }
            ast::AssignmentValue::Array(elements) => {
                let mut items = if a.append {
                    current().map(Var::into_list).unwrap_or_default()
                } else {
                    Vec::new()
                };
                for (at, word) in elements {
                    let values: Vec<Var> = self
                        .fields(&word.value, scope, depth)
                        .into_iter()
                        .map(as_var)
                        .collect();
                    match at.as_ref().map(|w| w.value.trim().parse::<usize>()) {
                        None => items.extend(values),
                        // `a=([2]=destroy)`
                        Some(Ok(at)) => {
                            items.resize(items.len().max(at + 1), Var::Known(String::new()));
                            items[at] = values
                                .into_iter()
                                .next()
                                .unwrap_or(Var::Known(String::new()));
                        }
                        Some(Err(_)) => items.push(Var::Unknown(word.value.clone())),
                    }
                }
                Var::List(items)
            }
        };
        Some((name.clone(), value, a.append))
    }

    /// Runs a function where it is called: its arguments become `$1`, `$@`…; what it sets
    /// stays in the calling shell (a function is no subshell), its arguments do not.
    pub(crate) fn call(
        &mut self,
        name: &str,
        body: &ast::FunctionBody,
        args: &[Arg],
        scope: &Scope,
        outer: &mut Scope,
        depth: usize,
    ) {
        if self.calling.iter().any(|f| f == name) || depth > MAX_DEPTH {
            return;
        }
        let mut inner = scope.clone();
        inner.set_positional(Some(args.iter().cloned().map(as_var).collect()));
        self.calling.push(name.to_string());
        self.compound(&body.0, &mut inner, depth + 1);
        self.calling.pop();
        inner.set_positional(outer.positional().map(<[Var]>::to_vec));
        *outer = inner;
    }

    /// An alias in command position: its value replaces the name and the command is read
    /// again. The alias is not expanded inside its own value (`alias ls='ls -la'`), as in bash.
    fn alias(
        &mut self,
        simple: &ast::SimpleCommand,
        name: &str,
        value: Option<String>,
        scope: &mut Scope,
        depth: usize,
    ) {
        let Some(value) = value else {
            self.unseen(
                &simple.to_string(),
                &format!("alias `{name}` is set to text built at run time"),
            );
            return;
        };
        let mut text = String::new();
        if let Some(prefix) = &simple.prefix {
            text.push_str(&format!("{prefix} "));
        }
        text.push_str(&value);
        if let Some(suffix) = &simple.suffix {
            text.push_str(&format!(" {suffix}"));
        }
        let saved = scope.remove_alias(name);
        self.script(&text, scope, depth + 1);
        if let (Some(saved), None) = (saved, scope.alias(name)) {
            scope.set_alias(name, saved);
        }
    }

    /// Text that runs later, if at all (an alias's value where it is defined): judged when it
    /// parses, like a function's body; text that does not parse is no command of its own
    /// (`alias x='if true; then'`).
    pub(crate) fn defined_script(&mut self, text: &str, scope: &Scope, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(program) = parse_program(text) {
            self.defining += 1;
            self.narrowed(false, false, |w| {
                w.program(&program, &mut scope.clone(), depth + 1)
            });
            self.defining -= 1;
        }
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
        // `python3 - <<'EOF'`: an interpreter reading its program (interpreters.rs).
        if let Some(argv) = argv {
            crate::interpreters::redirect(self, argv, redirect, scope, depth);
        }
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
                        None => self.unseen(&arg.text, "a shell reads a script built at run time"),
                    }
                }
            }
            IoRedirect::File(fd, kind, target) => match target {
                // `bash < deploy.sh`: the shell runs the file.
                ast::IoFileRedirectTarget::Filename(w)
                    if feeds_shell
                        && matches!(kind, ast::IoFileRedirectKind::Read)
                        && fd.is_none_or(|fd| fd == 0) =>
                {
                    let file = self.word(&w.value, scope, depth);
                    let text = file
                        .known()
                        .and_then(|path| crate::scripts::read_file(self, &scope.cwd.join(path)));
                    match text {
                        Some(text) => self.script(&text, &mut scope.clone(), depth + 1),
                        None => {
                            self.unseen(&file.text, "a shell runs a file the guard cannot read")
                        }
                    }
                }
                ast::IoFileRedirectTarget::Filename(w)
                | ast::IoFileRedirectTarget::Duplicate(w) => {
                    self.word(&w.value, scope, depth);
                }
                // `bash < <(curl …)`: the shell runs another command's output.
                ast::IoFileRedirectTarget::ProcessSubstitution(_, sub) if feeds_shell => {
                    self.unseen(&sub.to_string(), "a shell runs the output of a command");
                    self.process_substitution(sub, scope, depth);
                }
                ast::IoFileRedirectTarget::ProcessSubstitution(_, sub) => {
                    self.process_substitution(sub, scope, depth);
                }
                ast::IoFileRedirectTarget::Fd(_) => {}
            },
            IoRedirect::OutputAndError(w, _) => {
                self.word(&w.value, scope, depth);
            }
        }
    }
}

/// An expanded word as a variable's value.
pub(crate) fn as_var(arg: Arg) -> Var {
    if arg.literal {
        Var::Known(arg.text)
    } else {
        Var::Unknown(arg.text)
    }
}

/// `x+=y`: the old value with `y` after it, known when both are.
fn appended(old: Option<Var>, value: Var) -> Var {
    match (old, value) {
        (None, value) => value,
        (Some(Var::Known(old)), Var::Known(more)) => Var::Known(old + &more),
        (Some(Var::List(items)), Var::Known(more)) => {
            let mut items = items;
            match items.first_mut() {
                Some(Var::Known(first)) => first.push_str(&more),
                Some(_) => items[0] = Var::Unknown(more),
                None => items.push(Var::Known(more)),
            }
            Var::List(items)
        }
        (_, Var::Unknown(raw)) | (Some(Var::Unknown(raw)), _) => Var::Unknown(raw),
        (_, list @ Var::List(_)) => list,
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
/// Nothing is refused before parsing: what the parser does on hostile input (deep recursion,
/// backtracking, loops) is bounded by the resource envelope the binary runs the guard in.
pub(crate) fn parse_program(text: &str) -> Option<ast::Program> {
    std::panic::catch_unwind(|| {
        brush_parser::Parser::new(std::io::BufReader::new(text.as_bytes()), &words::options())
            .parse_program()
            .ok()
    })
    .ok()
    .flatten()
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
