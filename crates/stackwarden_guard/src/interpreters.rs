//! Programs run by interpreters: one-liners (`python3 -c`, `python3 -Bc`, `-c"…"`, `node -e`,
//! `node -pe`, `--eval=`, `tsx -e`, `ts-node -e`, `bun -e`, `deno eval`, `perl -e`/`-E`, `ruby
//! -e`, `php -r`, `lua -e`, `Rscript -e`), script files (`python3 tool.py`, `node deploy.js`,
//! `ts-node scripts/x.ts`: read from the project), and programs on stdin (`python3 - <<'EOF'`,
//! `node <<EOF`, `<<< '…'`, `< file.py`, `echo '…' | python3`; see [`redirect`] and [`piped`]).
//! `python3 -m awscli …` is the AWS CLI; `node node_modules/aws-cdk/bin/cdk …`, `node
//! ./node_modules/.bin/cdk` and `node $(npm bin)/cdk` are the CDK CLI (a JS entry point of a
//! tool the guard judges is that tool).
//!
//! The guard does not judge programs. It reads them with a token scan (identifiers, string
//! literals, punctuation — the program is not shell, and it is not parsed): a program that
//! names nothing through which it could reach AWS or run a command gets no decision. One that
//! does is asked about (`guard/unresolved`), with two exceptions where every such name is
//! accounted for by a form whose effect can be read off the tokens:
//!
//! - an AWS SDK only imported to print its version (`import boto3; print(boto3.__version__)`,
//!   `require('@aws-sdk/client-s3/package.json').version`);
//! - a command run from literal strings (`os.system('git status')`, `subprocess.run(["git",
//!   "status"])`, `require('child_process').execSync('git status')`, perl/ruby `system("…")`,
//!   a backtick string, lua `os.execute("…")`, R `system("…")`). Those commands are judged
//!   in a scratch walk: when they get no decision, neither does the program; otherwise the
//!   program is asked about.
//!
//! Names that build other names at run time (`__import__`, `importlib.import_module`,
//! `getattr`, `eval`, `Function`, `vm`, `b64decode`, `fromCharCode`, a `require(…)` of a
//! non-literal) make a program unreadable: asked about.

use std::path::Path;

use brush_parser::ast::{self, Command, CommandPrefixOrSuffixItem as Item, IoRedirect};

use crate::context::Context;
use crate::scope::Scope;
use crate::walk::Walker;
use crate::words::Arg;
use crate::wrappers::Step;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Python,
    Js,
    Perl,
    Ruby,
    Php,
    Lua,
    R,
}

/// Whether `name` runs a program text it is given (the languages below, any `python*`, `ruby*`,
/// `perl*`, `php*` build, PowerShell and AppleScript): for the checks that look for file names
/// in such programs (credentials, the guard's own configuration).
pub(crate) fn is_interpreter(name: &str) -> bool {
    language(name).is_some()
        || ["python", "ruby", "perl", "php"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
        || matches!(name, "pwsh" | "osascript")
}

fn language(name: &str) -> Option<Lang> {
    let name = name.strip_suffix(".exe").unwrap_or(name);
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match base {
        "python" | "pypy" | "py" => Lang::Python,
        "node" | "nodejs" | "bun" | "tsx" | "ts-node" | "ts-node-esm" | "esno" | "esrun"
        | "deno" | "vite-node" | "jiti" | "babel-node" | "sucrase-node" | "swc-node" => Lang::Js,
        "perl" => Lang::Perl,
        "ruby" | "jruby" | "truffleruby" => Lang::Ruby,
        "php" => Lang::Php,
        "lua" | "luajit" | "texlua" => Lang::Lua,
        "Rscript" | "R" => Lang::R,
        _ => return None,
    })
}

/// The flags of an interpreter: which short letters take the program's text, which take a
/// value (attached or the next word), which take only an attached value, and the long forms.
struct Flags {
    code: &'static [char],
    value: &'static [char],
    attached: &'static [char],
    long_code: &'static [&'static str],
    long_value: &'static [&'static str],
    /// Letters that end the options (`python -c` / `-m`: what follows is the program's).
    ends: &'static [char],
}

fn flags(lang: Lang) -> Flags {
    match lang {
        Lang::Python => Flags {
            code: &['c'],
            value: &['W', 'X', 'm'],
            attached: &[],
            long_code: &[],
            long_value: &["--check-hash-based-pycs"],
            ends: &['c', 'm'],
        },
        Lang::Js => Flags {
            code: &['e', 'p'],
            value: &['r', 'C', 'O', 'P'],
            attached: &[],
            long_code: &["--eval", "--print"],
            long_value: &[
                "--require",
                "--import",
                "--loader",
                "--experimental-loader",
                "--conditions",
                "--env-file",
                "--input-type",
                "--compilerOptions",
                "--project",
                "--tsconfig",
                "--inspect-port",
                "--title",
                "--cwd",
            ],
            ends: &[],
        },
        Lang::Perl => Flags {
            code: &['e', 'E'],
            value: &['I'],
            attached: &['M', 'm', 'i', 'l', '0', 'x', 'd', 'D', 'C', 'F', 'V'],
            long_code: &[],
            long_value: &[],
            ends: &[],
        },
        Lang::Ruby => Flags {
            code: &['e'],
            value: &['r', 'I', 'C', 'E'],
            attached: &['W', 'K', 'T', 'x', '0', 'F', 'i', 'l'],
            long_code: &[],
            long_value: &["--encoding", "--external-encoding", "--internal-encoding"],
            ends: &[],
        },
        Lang::Php => Flags {
            code: &['r', 'R', 'B', 'E'],
            value: &['d', 'c', 'z', 't', 'S'],
            attached: &[],
            long_code: &[],
            long_value: &[],
            ends: &[],
        },
        Lang::Lua => Flags {
            code: &['e'],
            value: &['l'],
            attached: &[],
            long_code: &[],
            long_value: &[],
            ends: &[],
        },
        Lang::R => Flags {
            code: &['e'],
            value: &[],
            attached: &[],
            long_code: &[],
            long_value: &[],
            ends: &[],
        },
    }
}

/// What an interpreter's command line runs.
#[derive(Default)]
struct Program {
    code: Vec<Arg>,
    file: Option<Arg>,
    module: Option<Arg>,
    /// The words after the program (its own arguments).
    rest: Vec<Arg>,
    /// It only prints its version or help.
    info: bool,
}

fn program(name: &str, lang: Lang, args: &[Arg]) -> Program {
    let mut p = Program::default();
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let mut args = args;
    // `deno eval CODE`, `deno run FILE`, `bun run FILE`.
    if matches!(base, "deno" | "bun") {
        match args.first().and_then(Arg::known) {
            Some("eval") if base == "deno" => {
                let code = args[1..]
                    .iter()
                    .find(|a| !a.known().is_some_and(|t| t.starts_with('-')));
                p.code.extend(code.cloned());
                return p;
            }
            Some("run") => args = &args[1..],
            _ => {}
        }
    }
    let flags = flags(lang);
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else {
            if p.code.is_empty() {
                p.file = Some(arg.clone());
                p.rest = args[i..].to_vec();
            }
            return p;
        };
        if text == "--" || text == "-" {
            if text == "--" {
                if let Some(file) = args.get(i).filter(|_| p.code.is_empty()) {
                    p.file = Some(file.clone());
                    p.rest = args[i + 1..].to_vec();
                }
            }
            return p;
        }
        if matches!(
            text,
            "--version" | "-V" | "--help" | "-h" | "-help" | "-version"
        ) || (lang == Lang::Js && text == "-v")
        {
            p.info = true;
            return p;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v)),
                None => (text.to_string(), None),
            };
            if flags.long_code.contains(&name.as_str()) {
                match inline {
                    Some(v) => p.code.push(Arg {
                        text: v.to_string(),
                        ..arg.clone()
                    }),
                    None => {
                        p.code.extend(args.get(i).cloned());
                        i += 1;
                    }
                }
            } else if inline.is_none() && flags.long_value.contains(&name.as_str()) {
                i += 1;
            }
            continue;
        }
        if text.starts_with('-') && text.len() > 1 {
            for (at, letter) in text[1..].char_indices() {
                let attached = &text[1 + at + letter.len_utf8()..];
                let takes = flags.code.contains(&letter) || flags.value.contains(&letter);
                // node takes no attached values: `-pe CODE` is `-p -e CODE`.
                if takes && lang == Lang::Js && !attached.is_empty() {
                    continue;
                }
                if takes {
                    let value = if attached.is_empty() {
                        i += 1;
                        args.get(i - 1).cloned()
                    } else {
                        Some(Arg {
                            text: attached.to_string(),
                            ..arg.clone()
                        })
                    };
                    if flags.code.contains(&letter) {
                        p.code.extend(value);
                    } else if lang == Lang::Python && letter == 'm' {
                        p.module = value;
                    }
                    if flags.ends.contains(&letter) {
                        p.rest = args.get(i..).unwrap_or_default().to_vec();
                        return p;
                    }
                    break;
                }
                if lang == Lang::Php && letter == 'f' {
                    let value = if attached.is_empty() {
                        i += 1;
                        args.get(i - 1).cloned()
                    } else {
                        Some(Arg::lit(attached))
                    };
                    p.file = value;
                    p.rest = args.get(i..).unwrap_or_default().to_vec();
                    return p;
                }
                if flags.attached.contains(&letter) {
                    break;
                }
            }
            continue;
        }
        if p.code.is_empty() {
            p.file = Some(arg.clone());
            p.rest = args[i..].to_vec();
        }
        return p;
    }
    p
}

/// `python3 -m awscli`, `node …/cdk`, one-liners and script files.
pub(crate) fn unwrap(ctx: &Context<'_>, name: &str, argv: &[Arg], cwd: &Path) -> Option<Vec<Step>> {
    let lang = language(name)?;
    let p = program(name, lang, argv.get(1..).unwrap_or_default());
    let seen = crate::engine::describe(argv);
    if let Some(module) = &p.module {
        let tool = match module.known() {
            Some("awscli") => "aws",
            Some("samcli") => "sam",
            // `python3 -m deploy`: the project's `deploy.py` or `deploy/__main__.py` is read
            // like a script file; an installed module (`http.server`) is not the project's.
            Some(name) => {
                let base = cwd.join(name.replace('.', "/"));
                let text = [base.with_extension("py"), base.join("__main__.py")]
                    .iter()
                    .find_map(|file| ctx.files.read(&crate::scope::normalize(file)));
                return Some(match text {
                    Some(text) => scan(lang, &text, &seen),
                    None => vec![],
                });
            }
            None => {
                return Some(vec![Step::Unresolved(
                    seen,
                    "python runs a module chosen at run time",
                )])
            }
        };
        let mut run = vec![Arg::lit(tool)];
        run.extend(p.rest.iter().cloned());
        return Some(vec![Step::run(run)]);
    }
    let mut steps = Vec::new();
    for code in &p.code {
        // Code wholly from a variable or a command's output is a program nobody can read
        // here; code with a `$` in it (perl's `$/`, a `$line`) is still mostly readable.
        let unknown = !code.literal
            && (code.from_output || code.text.trim_matches(['"', '\'']).starts_with('$'));
        if unknown {
            steps.push(Step::Unseen(
                seen.clone(),
                "an interpreter runs a program built at run time",
            ));
        } else {
            steps.extend(scan(lang, &code.text, &seen));
        }
    }
    if let Some(file) = &p.file {
        if let Some(tool) = lang.eq(&Lang::Js).then(|| entry_point_tool(file)).flatten() {
            let mut run = vec![Arg::lit(tool)];
            run.extend(p.rest.iter().cloned());
            return Some(vec![Step::run(run)]);
        }
        let Some(path) = file.known() else {
            // `python3 "$(ls *.py | head -1)"`: which script runs is told at run time; one
            // picked by a command's output is as unreadable as code from one (see above). A
            // named script in a run-time folder (`python "$(dirname "$0")/lib/lint.py"`, the
            // usual way a script finds its neighbours) is asked about only when the text names
            // a tool, as a shell script in such a folder is.
            let why = "an interpreter runs a script whose name is built at run time";
            steps.push(if file.from_output && file.program.is_none() {
                Step::Unseen(seen, why)
            } else {
                Step::Unresolved(seen, why)
            });
            return Some(steps);
        };
        if let Some(text) = ctx.files.read(&crate::scope::normalize(&cwd.join(path))) {
            let installed = Path::new(path)
                .components()
                .any(|c| c.as_os_str() == "node_modules" || c.as_os_str() == "site-packages");
            steps.extend(if installed {
                installed_program(lang, &text, &seen)
            } else {
                scan(lang, &text, &seen)
            });
        }
    }
    Some(steps)
}

/// The tool a JS entry point is: `node_modules/aws-cdk/bin/cdk`, `node_modules/.bin/cdk`,
/// `$(npm bin)/cdk`, for the tools the guard judges.
fn entry_point_tool(file: &Arg) -> Option<&'static str> {
    let path = file.known().or(file.program.as_deref())?;
    let stem = |name: &str| {
        let name = crate::engine::basename(name);
        name.strip_suffix(".js")
            .or_else(|| name.strip_suffix(".mjs"))
            .or_else(|| name.strip_suffix(".cjs"))
            .unwrap_or(name)
            .to_string()
    };
    let known = |name: &str| -> Option<&'static str> {
        Some(match name {
            "cdk" | "aws-cdk" => "cdk",
            "cdktf" | "cdktf-cli" => "cdktf",
            "serverless" | "sls" => "serverless",
            "pulumi" => "pulumi",
            "aws" => "aws",
            "sam" => "sam",
            _ => return None,
        })
    };
    // `…/node_modules/<package>/…`: the package's bin.
    if let Some((_, inside)) = path.rsplit_once("node_modules/") {
        let mut parts = inside.split('/');
        let first = parts.next().unwrap_or_default();
        let package = if first.starts_with('@') {
            format!("{first}/{}", parts.next().unwrap_or_default())
        } else {
            first.to_string()
        };
        if package == ".bin" {
            return known(&stem(path));
        }
        return match package.as_str() {
            "aws-cdk" => Some("cdk"),
            "cdktf-cli" => Some("cdktf"),
            "serverless" => Some("serverless"),
            _ => None,
        };
    }
    // `$(npm bin)/cdk`: a run-time folder, a tool's name.
    if !file.literal {
        return known(&stem(path));
    }
    None
}

/// Whether the interpreter reads its program from stdin (no code, no file, no module).
pub(crate) fn reads_program_on_stdin(argv: &[Arg], name: &str) -> bool {
    let name = crate::engine::basename(name);
    let Some(lang) = language(name) else {
        return false;
    };
    if matches!(name, "deno" | "bun") && argv.len() < 2 {
        return false;
    }
    let p = program(name, lang, argv.get(1..).unwrap_or_default());
    p.code.is_empty()
        && p.module.is_none()
        && !p.info
        && p.file.as_ref().is_none_or(|f| f.known() == Some("-"))
}

/// A program fed to an interpreter's stdin by a redirection (`python3 - <<'EOF'`, `node
/// <<< '…'`, `python3 < tool.py`): scanned like `-c` code; judged through `run`.
pub(crate) fn redirect(
    walker: &mut Walker<'_, '_>,
    argv: &[Arg],
    redirect: &IoRedirect,
    scope: &Scope,
    depth: usize,
) {
    let Some(name) = argv.first().and_then(Arg::known) else {
        return;
    };
    if !reads_program_on_stdin(argv, name) {
        return;
    }
    let Some(lang) = language(crate::engine::basename(name)) else {
        return;
    };
    let seen = crate::engine::describe(argv);
    let text =
        match redirect {
            IoRedirect::HereDocument(_, doc) => Some(doc.doc.value.clone()),
            IoRedirect::HereString(_, word) => walker
                .word(&word.value, scope, depth)
                .known()
                .map(str::to_string),
            IoRedirect::File(
                fd,
                ast::IoFileRedirectKind::Read,
                ast::IoFileRedirectTarget::Filename(w),
            ) if fd.is_none_or(|fd| fd == 0) => walker
                .word(&w.value, scope, depth)
                .known()
                .and_then(|path| {
                    walker
                        .ctx
                        .files
                        .read(&crate::scope::normalize(&scope.cwd.join(path)))
                }),
            IoRedirect::File(..) | IoRedirect::OutputAndError(..) => return,
        };
    let steps = match text {
        Some(text) => scan(lang, &text, &seen),
        None => vec![Step::Unseen(
            seen,
            "an interpreter runs a program the guard cannot read",
        )],
    };
    for step in steps {
        crate::engine::run_step(walker, step, scope, depth + 1);
    }
}

/// `echo '…' | python3`, `cat <<EOF | node`, `curl … | python3`: an interpreter in a
/// pipeline that reads its program from the command before it.
pub(crate) fn piped(
    walker: &mut Walker<'_, '_>,
    previous: &Command,
    command: &Command,
    scope: &Scope,
    depth: usize,
) {
    let Command::Simple(simple) = command else {
        return;
    };
    let Some(name) = simple.word_or_name.as_ref() else {
        return;
    };
    let mut argv = vec![crate::words::expand(&name.value, &|_| None).arg];
    for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
        if let Item::Word(w) = item {
            argv.push(crate::words::expand(&w.value, &|_| None).arg);
        }
    }
    let Some(program) = argv[0].known().map(str::to_string) else {
        return;
    };
    if !reads_program_on_stdin(&argv, &program) {
        return;
    }
    let Some(lang) = language(crate::engine::basename(&program)) else {
        return;
    };
    let seen = format!("{previous} | {command}");
    let steps = match crate::pipes::literal_output(previous) {
        Some(text) => scan(lang, &text, &seen),
        None => vec![Step::Unseen(
            seen,
            "an interpreter runs the output of a command",
        )],
    };
    for step in steps {
        crate::engine::run_step(walker, step, scope, depth + 1);
    }
}

// ---------------------------------------------------------------------------------------------
// The token scan.

/// AWS SDKs: a program that loads one can call AWS.
const SDKS: &[&str] = &[
    "boto3",
    "botocore",
    "aiobotocore",
    "aioboto3",
    "awswrangler",
    "s3fs",
    "sdk",
    "Aws",
    "Paws",
    "paws",
];

/// Names through which a program runs other programs.
const RUNNERS: &[&str] = &[
    "subprocess",
    "child_process",
    "system",
    "system2",
    "popen",
    "Popen",
    "popen2",
    "popen3",
    "pty",
    "spawn",
    "spawnSync",
    "spawnv",
    "spawnve",
    "spawnvp",
    "spawnvpe",
    "spawnl",
    "spawnle",
    "spawnlp",
    "spawnlpe",
    "posix_spawn",
    "posix_spawnp",
    "exec",
    "execv",
    "execve",
    "execvp",
    "execvpe",
    "execl",
    "execle",
    "execlp",
    "execlpe",
    "execSync",
    "execFile",
    "execFileSync",
    "execa",
    "execaSync",
    "execaCommand",
    "create_subprocess_exec",
    "create_subprocess_shell",
    "startfile",
    "fork",
    "forkpty",
    "Command",
    "qx",
    "shell_exec",
    "passthru",
    "proc_open",
    "pcntl_exec",
    "Open3",
    "capture2",
    "capture2e",
    "capture3",
    "processx",
];

/// Names that build code or module names at run time.
const UNREADABLE: &[&str] = &[
    "__import__",
    "import_module",
    "getattr",
    "__builtins__",
    "builtins",
    "globals",
    "eval",
    "Function",
    "vm",
    "b64decode",
    "b32decode",
    "a85decode",
    "unhexlify",
    "fromCharCode",
    "atob",
    "codecs",
    "dlopen",
    "binding",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str {
        text: String,
        plain: bool,
        backtick: bool,
    },
    Punct(char),
    Newline,
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

fn is_reach(lang: Lang, word: &str) -> bool {
    SDKS.contains(&word)
        || RUNNERS.contains(&word)
        || (lang == Lang::Lua && word == "execute")
        || (lang == Lang::R && matches!(word, "pipe" | "run" | "shell"))
}

/// The commands a program runs, as steps: nothing when it names no way out, the literal
/// commands (in a probe) when every way out is accounted for, an ask otherwise.
fn scan(lang: Lang, text: &str, seen: &str) -> Vec<Step> {
    let backticks = matches!(lang, Lang::Perl | Lang::Ruby | Lang::Php) && text.contains('`');
    let unreadable = words(text).any(|w| {
        UNREADABLE.contains(&w)
            || (lang == Lang::Ruby
                && matches!(w, "send" | "public_send" | "instance_eval" | "class_eval"))
    }) || (words(text).any(|w| w == "importlib")
        && !importlib_metadata_only(text));
    let reaches = words(text).any(|w| is_reach(lang, w));
    if unreadable {
        return vec![Step::Unseen(
            seen.to_string(),
            "an interpreter runs a program that builds code or module names at run time",
        )];
    }
    let tokens = lex(lang, text);
    if lang == Lang::Js && loads_unnamed_module(&tokens) {
        return vec![Step::Unseen(
            seen.to_string(),
            "an interpreter runs a program that loads a module named at run time",
        )];
    }
    if !reaches && !backticks {
        return vec![];
    }
    match account(lang, &tokens) {
        Some(commands) if commands.is_empty() => vec![],
        Some(commands) => vec![Step::Probe(
            commands,
            seen.to_string(),
            "an interpreter runs a program that runs a command the guard objects to",
        )],
        None => vec![Step::Unseen(
            seen.to_string(),
            "an interpreter runs a program that can reach AWS or run commands",
        )],
    }
}

/// An installed package's program (`node node_modules/prettier/bin/prettier.cjs`): a tool
/// nobody on the project wrote, which loads modules by computed names and runs commands for
/// its own work, so what [`scan`] asks about in the project's own scripts is everyday code
/// here. It is asked about when it loads an AWS SDK; the literal commands it runs are judged
/// either way.
fn installed_program(lang: Lang, text: &str, seen: &str) -> Vec<Step> {
    if words(text).any(|w| SDKS.contains(&w)) {
        return scan(lang, text, seen);
    }
    match account(lang, &lex(lang, text)) {
        Some(commands) if !commands.is_empty() => vec![Step::Probe(
            commands,
            seen.to_string(),
            "an interpreter runs a program that runs a command the guard objects to",
        )],
        _ => vec![],
    }
}

/// `require(x)`, `require('child_' + 'process')`, `import(x)`: a module whose name the
/// program builds.
fn loads_unnamed_module(tokens: &[Tok]) -> bool {
    tokens.windows(2).enumerate().any(|(at, pair)| {
        matches!(&pair[0], Tok::Ident(w) if w == "require" || w == "import")
            && pair[1] == Tok::Punct('(')
            && !matches!(
                (tokens.get(at + 2), tokens.get(at + 3)),
                (Some(Tok::Str { plain: true, .. }), Some(Tok::Punct(')')))
            )
    })
}

/// `importlib.metadata.version('boto3')`: reading a package's version, nothing imported.
fn importlib_metadata_only(text: &str) -> bool {
    let mut words = words(text).peekable();
    while let Some(word) = words.next() {
        if word == "importlib" && words.peek() != Some(&"metadata") {
            return false;
        }
    }
    true
}

/// Every occurrence of a way out, accounted for: `Some(commands run)`, or `None` when one is
/// not.
fn account(lang: Lang, tokens: &[Tok]) -> Option<Vec<Step>> {
    let lists = import_lists(tokens);
    let mut commands = Vec::new();
    let mut sdk_imports = 0;
    let mut sdk_versions = 0;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        let at = i;
        i += 1;
        match token {
            Tok::Str {
                text,
                backtick: true,
                plain,
                ..
            } => {
                if !*plain {
                    return None;
                }
                commands.push(Step::Script(text.clone()));
            }
            Tok::Str { text, .. } => {
                let reaching: Vec<&str> = words(text).filter(|w| is_reach(lang, w)).collect();
                if reaching.is_empty() {
                    continue;
                }
                // `require('@aws-sdk/client-s3/package.json')`: a version, no SDK loaded.
                if text.ends_with("/package.json") && reaching.iter().all(|w| SDKS.contains(w)) {
                    sdk_versions += 1;
                    continue;
                }
                // `version('boto3')`, `distribution('boto3')`.
                if previous_ident(tokens, at, 1).is_some_and(|w| {
                    matches!(
                        w,
                        "version" | "distribution" | "get_distribution" | "metadata"
                    )
                }) && reaching.iter().all(|w| SDKS.contains(w))
                {
                    sdk_versions += 1;
                    continue;
                }
                // `require('child_process').execSync('…')`.
                let module = text.strip_prefix("node:").unwrap_or(text);
                if lang == Lang::Js
                    && module == "child_process"
                    && previous_ident(tokens, at, 1) == Some("require")
                    && tokens.get(at + 1) == Some(&Tok::Punct(')'))
                    && tokens.get(at + 2) == Some(&Tok::Punct('.'))
                {
                    if let Some(Tok::Ident(method)) = tokens.get(at + 3) {
                        let (command, end) = call(tokens, at + 4, js_list(method))?;
                        commands.push(command);
                        i = end;
                        continue;
                    }
                }
                return None;
            }
            Tok::Ident(word) if is_reach(lang, word) => {
                if SDKS.contains(&word.as_str()) && lang == Lang::Python {
                    if is_import(tokens, &lists, at) {
                        sdk_imports += 1;
                        continue;
                    }
                    if tokens.get(at + 1) == Some(&Tok::Punct('.'))
                        && tokens.get(at + 2) == Some(&Tok::Ident("__version__".into()))
                    {
                        sdk_versions += 1;
                        continue;
                    }
                    return None;
                }
                match (lang, word.as_str()) {
                    (Lang::Python, "subprocess") => {
                        if is_import(tokens, &lists, at) {
                            continue;
                        }
                        let Some(Tok::Ident(method)) = (tokens.get(at + 1)
                            == Some(&Tok::Punct('.')))
                        .then(|| tokens.get(at + 2))
                        .flatten() else {
                            return None;
                        };
                        if !matches!(
                            method.as_str(),
                            "run"
                                | "call"
                                | "check_call"
                                | "check_output"
                                | "Popen"
                                | "getoutput"
                                | "getstatusoutput"
                        ) {
                            return None;
                        }
                        let (command, end) = call(tokens, at + 3, true)?;
                        commands.push(command);
                        i = end;
                    }
                    // `os.system('…')`, `os.popen('…')`.
                    (Lang::Python, "system" | "popen")
                        if previous_ident(tokens, at, 1) == Some("os") =>
                    {
                        let (command, end) = call(tokens, at + 1, false)?;
                        commands.push(command);
                        i = end;
                    }
                    // perl/ruby/php `system("…")`, `system "…"`; php `shell_exec`, `passthru`;
                    // lua `os.execute("…")`, `io.popen("…")`; R `system("…")`.
                    (
                        Lang::Perl | Lang::Ruby | Lang::Php | Lang::Lua | Lang::R,
                        "system" | "shell_exec" | "passthru" | "execute" | "popen" | "exec",
                    ) => match tokens.get(at + 1) {
                        Some(Tok::Str {
                            text, plain: true, ..
                        }) if matches!(
                            tokens.get(at + 2),
                            None | Some(Tok::Punct(';') | Tok::Newline)
                        ) =>
                        {
                            commands.push(Step::Script(text.clone()));
                            i = at + 2;
                        }
                        _ => {
                            let (command, end) = call(tokens, at + 1, false)?;
                            commands.push(command);
                            i = end;
                        }
                    },
                    _ => return None,
                }
            }
            _ => {}
        }
    }
    // An SDK imported and used for anything but its version.
    if sdk_imports > 0 && sdk_versions == 0 {
        return None;
    }
    Some(commands)
}

/// Whether a list first argument is an argv (`spawn('git', ['status'])` takes a program and
/// a list; `exec('git status')` a command line).
fn js_list(method: &str) -> bool {
    matches!(method, "spawn" | "spawnSync" | "execFile" | "execFileSync")
}

/// A call's first argument from `(` at `open`: a literal string (a command line, or with
/// `program_and_list` a program whose arguments may follow as a literal list), or a literal
/// list (an argv). Returns the command and the index after the `)`. `None` when the argument
/// is anything else.
fn call(tokens: &[Tok], open: usize, program_and_list: bool) -> Option<(Step, usize)> {
    let mut i = open;
    if tokens.get(i) != Some(&Tok::Punct('(')) {
        return None;
    }
    i += 1;
    skip_newlines(tokens, &mut i);
    let step = match tokens.get(i)? {
        Tok::Str {
            text, plain: true, ..
        } => {
            i += 1;
            skip_newlines(tokens, &mut i);
            if program_and_list
                && tokens.get(i) == Some(&Tok::Punct(','))
                && tokens.get(i + 1) == Some(&Tok::Punct('['))
            {
                let mut argv = vec![Arg::lit(text.as_str())];
                i += 1;
                argv.extend(list(tokens, &mut i)?);
                Step::run(argv)
            } else {
                Step::Script(text.clone())
            }
        }
        Tok::Punct('[') => Step::run(list(tokens, &mut i)?),
        _ => return None,
    };
    skip_newlines(tokens, &mut i);
    // The remaining arguments are options (`shell=True`, `{stdio: 'inherit'}`); they are
    // scanned like the rest of the program.
    match tokens.get(i) {
        Some(Tok::Punct(')' | ',')) => Some((step, i + 1)),
        _ => None,
    }
}

/// `[ 'a', "b" ]` of literal strings, from the `[` at `*i`; `*i` ends after the `]`.
fn list(tokens: &[Tok], i: &mut usize) -> Option<Vec<Arg>> {
    if tokens.get(*i) != Some(&Tok::Punct('[')) {
        return None;
    }
    *i += 1;
    let mut items = Vec::new();
    loop {
        skip_newlines(tokens, i);
        match tokens.get(*i)? {
            Tok::Str {
                text, plain: true, ..
            } => items.push(Arg::lit(text.as_str())),
            Tok::Punct(']') => {
                *i += 1;
                return Some(items);
            }
            _ => return None,
        }
        *i += 1;
        skip_newlines(tokens, i);
        match tokens.get(*i)? {
            Tok::Punct(',') => *i += 1,
            Tok::Punct(']') => {
                *i += 1;
                return Some(items);
            }
            _ => return None,
        }
    }
}

fn skip_newlines(tokens: &[Tok], i: &mut usize) {
    while tokens.get(*i) == Some(&Tok::Newline) {
        *i += 1;
    }
}

/// The identifier before `at`, skipping `back - 1` punctuation tokens in between (`os.system`:
/// `os` is before `.`; `require('x')`: `require` is before `(`).
fn previous_ident(tokens: &[Tok], at: usize, back: usize) -> Option<&str> {
    let ident = at.checked_sub(back + 1)?;
    match tokens.get(ident)? {
        Tok::Ident(w) => Some(w.as_str()),
        _ => None,
    }
}

/// For each token, whether it stands in an `import a, b.c, …` list: the nearest token before
/// it that is not a name, `,` or `.` is `import`. One forward pass.
fn import_lists(tokens: &[Tok]) -> Vec<bool> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut state = false;
    for t in tokens {
        out.push(state);
        let listed =
            matches!(t, Tok::Punct(',' | '.')) || matches!(t, Tok::Ident(w) if w != "import");
        if !listed {
            state = matches!(t, Tok::Ident(w) if w == "import");
        }
    }
    out
}

/// `import X` / `import a, X` ending the statement (no `as`, no `from X import …`);
/// `lists` is [`import_lists`] of `tokens`.
fn is_import(tokens: &[Tok], lists: &[bool], at: usize) -> bool {
    let ends = matches!(
        tokens.get(at + 1),
        None | Some(Tok::Newline | Tok::Punct(';' | ','))
    );
    ends && lists.get(at).copied().unwrap_or(false)
}

fn lex(lang: Lang, text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            tokens.push(Tok::Newline);
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // Python string prefixes: `f"…"` interpolates, `r"…"`/`b"…"` do not.
            if lang == Lang::Python
                && matches!(chars.get(i), Some('\'' | '"'))
                && word.len() <= 2
                && word.chars().all(|c| "rRbBfFuU".contains(c))
            {
                let interpolates = word.contains(['f', 'F']);
                let (text, plain, end) = string(lang, &chars, i);
                i = end;
                tokens.push(Tok::Str {
                    text,
                    plain: plain && !interpolates,
                    backtick: false,
                });
                continue;
            }
            tokens.push(Tok::Ident(word));
            continue;
        }
        if matches!(c, '\'' | '"' | '`') {
            let (text, plain, end) = string(lang, &chars, i);
            i = end;
            tokens.push(Tok::Str {
                text,
                plain,
                backtick: c == '`' && lang != Lang::Js,
            });
            continue;
        }
        tokens.push(Tok::Punct(c));
        i += 1;
    }
    tokens
}

/// A string literal from its opening quote at `start`: its text, whether it is plain (no
/// interpolation), and the index after it. Python's triple quotes are one string.
fn string(lang: Lang, chars: &[char], start: usize) -> (String, bool, usize) {
    let quote = chars[start];
    let triple = lang == Lang::Python
        && chars.get(start + 1) == Some(&quote)
        && chars.get(start + 2) == Some(&quote);
    let mut i = start + if triple { 3 } else { 1 };
    let mut text = String::new();
    // Double quotes interpolate in perl, ruby, php (`$x`, `#{x}`), backticks in JS (`${x}`).
    let interpolating = match lang {
        Lang::Perl | Lang::Php => quote != '\'',
        Lang::Ruby => quote != '\'',
        Lang::Js => quote == '`',
        _ => false,
    };
    let mut plain = true;
    while i < chars.len() {
        let c = chars[i];
        if c == quote
            && (!triple || (chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote)))
        {
            i += if triple { 3 } else { 1 };
            return (text, plain, i);
        }
        if c == '\\' && i + 1 < chars.len() {
            let e = chars[i + 1];
            text.push(match e {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                other => other,
            });
            i += 2;
            continue;
        }
        if interpolating
            && ((c == '$'
                && chars
                    .get(i + 1)
                    .is_some_and(|n| n.is_alphanumeric() || *n == '{' || *n == '_'))
                || (c == '#' && chars.get(i + 1) == Some(&'{'))
                || (c == '@' && lang == Lang::Perl))
        {
            plain = false;
        }
        text.push(c);
        i += 1;
    }
    // An unterminated string: not plain.
    (text, false, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decided(lang: Lang, code: &str) -> &'static str {
        match scan(lang, code, "x").as_slice() {
            [] => "none",
            [Step::Probe(..)] => "probe",
            [Step::Unseen(..)] => "ask",
            _ => "other",
        }
    }

    #[test]
    fn scans() {
        use Lang::*;
        assert_eq!(
            decided(Python, "import boto3; print(boto3.__version__)"),
            "none"
        );
        assert_eq!(decided(Python, "import boto3"), "ask");
        assert_eq!(
            decided(Python, "import boto3 as b; print(b.__version__)"),
            "ask"
        );
        assert_eq!(
            decided(
                Python,
                "import boto3; boto3.client('s3').delete_bucket(Bucket='b')"
            ),
            "ask"
        );
        assert_eq!(
            decided(
                Python,
                "import subprocess; print(subprocess.run([\"git\",\"status\"]).returncode)"
            ),
            "probe"
        );
        assert_eq!(
            decided(Python, "from subprocess import run; run('x')"),
            "ask"
        );
        assert_eq!(
            decided(
                Python,
                "import os; os.execvp('aws',['aws','s3','rb','s3://b'])"
            ),
            "ask"
        );
        assert_eq!(decided(Python, "__import__('bo'+'to3')"), "ask");
        assert_eq!(decided(Python, "import os; os.system('a' + x)"), "ask");
        assert_eq!(
            decided(
                Python,
                "import importlib.metadata as m; print(m.version('boto3'))"
            ),
            "none"
        );
        assert_eq!(
            decided(
                Js,
                "console.log(require('@aws-sdk/client-s3/package.json').version)"
            ),
            "none"
        );
        assert_eq!(
            decided(
                Js,
                "require('child_process').execSync('git status',{stdio:'inherit'})"
            ),
            "probe"
        );
        assert_eq!(decided(Js, "require('child_' + 'process')"), "ask");
        assert_eq!(
            decided(Js, "const {S3Client} = require('@aws-sdk/client-s3')"),
            "ask"
        );
        assert_eq!(decided(Js, "console.log(`${1 + 1}`)"), "none");
        assert_eq!(decided(Ruby, "`aws s3 rb s3://x`"), "probe");
        assert_eq!(decided(Ruby, "`#{cmd}`"), "ask");
        assert_eq!(decided(Lua, "os.execute(\"aws s3 rb s3://b\")"), "probe");
        assert_eq!(decided(R, "system(\"aws s3 rb s3://b\")"), "probe");
        assert_eq!(decided(Perl, "system \"ls\";"), "probe");
    }
}
