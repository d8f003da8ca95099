//! Expanding one shell word the way the shell would, as far as it can be known before running:
//! quotes and escapes are removed (`c"d"k` → `cdk`), variables set earlier in the command line or
//! present in the environment are substituted, and everything else (command substitutions,
//! arithmetic, unknown variables) makes the word *dynamic*. Command substitution bodies are
//! handed back so the caller judges the commands inside them too.

use brush_parser::word::{ParameterExpr, WordPiece, WordPieceWithSource};
use brush_parser::ParserOptions;

/// A shell variable's value as far as the guard knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Var {
    Known(String),
    /// Set at run time (from a command substitution, ...): the raw text it came from.
    Unknown(String),
    /// An indexed array (`a=(cdk destroy)`) or the positional parameters (`set -- …`, a
    /// function's arguments): its elements, each a [`Var::Known`] or [`Var::Unknown`].
    List(Vec<Var>),
}

impl Var {
    /// The value as the elements of an array: a scalar is an array of one (`a=x` is `a[0]`).
    pub(crate) fn into_list(self) -> Vec<Var> {
        match self {
            Var::List(items) => items,
            scalar => vec![scalar],
        }
    }

    /// The value as a scalar: an array reads as its first element, as `$a` does in bash.
    fn into_scalar(self) -> Result<String, Option<String>> {
        match self {
            Var::Known(text) => Ok(text),
            Var::Unknown(origin) => Err(Some(origin)),
            Var::List(items) => match items.into_iter().next() {
                Some(first) => first.into_scalar(),
                None => Ok(String::new()),
            },
        }
    }
}

/// One argument after expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Arg {
    /// The expanded text when `literal`, else the raw text as written.
    pub(crate) text: String,
    pub(crate) literal: bool,
    /// Some of it is the output of a command (`$(...)`, or a variable set from one): text no
    /// reading of the command line can know.
    pub(crate) from_output: bool,
    /// When the word is only known at run time but ends in a literal file name
    /// (`$(npm bin)/cdk`, `"$TOOLS/deploy.sh"`): that name, which says what program runs.
    pub(crate) program: Option<String>,
    /// The raw text each unknown variable in the word was set from, when the command line set
    /// it (`X=$(ssh-agent -s); eval "$X"`: `$(ssh-agent -s)`).
    pub(crate) origins: Vec<String>,
}

impl Arg {
    pub(crate) fn lit(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            literal: true,
            from_output: false,
            program: None,
            origins: Vec::new(),
        }
    }

    pub(crate) fn dynamic(raw: impl Into<String>) -> Self {
        Self {
            text: raw.into(),
            literal: false,
            from_output: false,
            program: None,
            origins: Vec::new(),
        }
    }

    /// The literal text, or `None` when only known at run time.
    pub(crate) fn known(&self) -> Option<&str> {
        self.literal.then_some(self.text.as_str())
    }
}

pub(crate) struct Expansion {
    pub(crate) arg: Arg,
    /// When the word expands an array or the positional parameters (`"$@"`, `"${a[@]}"`), the
    /// words it becomes (none for `"$@"` with no parameters); `arg` then holds them joined.
    /// Only set when every part is known.
    pub(crate) fields: Option<Vec<String>>,
    /// Bodies of `$(...)` and backticks met in the word, to be judged as commands.
    pub(crate) substitutions: Vec<String>,
    /// The word could not be read, so substitutions inside it may be missing from the list.
    pub(crate) unread: bool,
}

pub(crate) fn options() -> ParserOptions {
    ParserOptions {
        // Off, as in a non-interactive bash (Claude Code's): a command that uses `@(...)` is
        // then a parse error, judged as unresolved, as bash without `shopt -s extglob` rejects
        // it. (On, brush's word parser also backtracks through `@(` with unclosed `${`.)
        enable_extended_globbing: false,
        tilde_expansion_at_word_start: false,
        ..ParserOptions::default()
    }
}

/// Expands `raw` with `lookup` for variables (`None` = unset/unknown to the guard).
pub(crate) fn expand(raw: &str, lookup: &dyn Fn(&str) -> Option<Var>) -> Expansion {
    let mut out = Expansion {
        arg: Arg::lit(String::new()),
        fields: None,
        substitutions: Vec::new(),
        unread: false,
    };
    let parsed = brush_parser::word::parse(raw, &options()).ok();
    match parsed {
        Some(pieces) => {
            let mut got = Collected::default();
            let literal = collect(&pieces, lookup, &mut got, false);
            out.arg = if literal && got.lists {
                let mut fields = std::mem::take(&mut got.fields);
                // `"$@"` with no parameters is no word at all; `"x$@"` is still `x`.
                if got.items > 0 || !got.text.is_empty() || !fields.is_empty() {
                    fields.push(std::mem::take(&mut got.text));
                }
                let joined = fields.join(" ");
                out.fields = Some(fields);
                Arg::lit(joined)
            } else if literal {
                Arg::lit(got.text)
            } else {
                let program = program_name(&got);
                // An unknown variable set from a command's output counts as that output.
                let from_output = !got.subs.is_empty()
                    || got
                        .origins
                        .iter()
                        .any(|o| o.contains("$(") || o.contains('`'));
                let text = if got.origins.is_empty() {
                    raw.to_string()
                } else {
                    // Keep where run-time values came from, so `X=$(echo aws); $X s3 ls` still
                    // reads as something that could reach AWS.
                    format!("{raw}{ORIGIN_MARK}{})", got.origins.join(", "))
                };
                Arg {
                    program,
                    from_output,
                    origins: got.origins.clone(),
                    ..Arg::dynamic(text)
                }
            };
            out.substitutions = got.subs;
        }
        // A word brush cannot split (or is not given) is not something the shell would run as
        // written either; keep it, dynamic, so a command name made of it is treated as unresolved.
        None => {
            out.arg = Arg::dynamic(raw);
            out.unread = true;
        }
    }
    out
}

/// Expands a here-document body whose delimiter was unquoted: only the substitutions matter,
/// because those run; the text itself is data. `None` when the body cannot be read.
pub(crate) fn heredoc_substitutions(body: &str) -> Option<Vec<String>> {
    let pieces = brush_parser::word::parse_heredoc(body, &options()).ok()?;
    let mut got = Collected::default();
    collect(&pieces, &|_| None, &mut got, false);
    Some(got.subs)
}

/// Appends the literal text of `pieces` to `text`; returns false once anything is dynamic.
/// What the pieces of a word expand to, as far as the guard knows.
#[derive(Default)]
struct Collected {
    /// The literal text (what the unknown parts stand for is missing).
    text: String,
    subs: Vec<String>,
    /// The raw text unknown variables were set from, when the command line set them.
    origins: Vec<String>,
    /// Where in `text` the last unknown part stood: what follows it is literal.
    dynamic_end: Option<usize>,
    /// The raw text the last unknown part was set from, when it is a variable the command line
    /// set (`DIR=$(pwd)/bin/tool; "$DIR"`).
    last_origin: Option<String>,
    /// Whether an array or the positional parameters were expanded into separate words.
    lists: bool,
    /// How many elements such expansions gave.
    items: usize,
    /// The words finished before `text` by such an expansion (`"$@"` gives one per element).
    fields: Vec<String>,
}

/// How a dynamic word's text shows where its unknown values came from: `$X (= $(pwd)/bin)`.
const ORIGIN_MARK: &str = " (= ";

/// The word as written, without the origins [`expand`] appended to it.
pub(crate) fn origin_word(text: &str) -> &str {
    text.split(ORIGIN_MARK).next().unwrap_or(text)
}

/// The program a word names when only its folder is known at run time: a literal file name
/// after the last unknown part (`$(npm bin)/cdk`, `"$DIR/tool"`), or, when the word ends with
/// a variable the command line set, the program that variable's value names
/// (`TOOL="$(pwd)/bin/lint"; "$TOOL"`).
fn program_name(got: &Collected) -> Option<String> {
    let tail = got
        .dynamic_end
        .map_or("", |end| got.text.get(end..).unwrap_or(""));
    if tail.is_empty() {
        // `$(which java)`: the path of a program the command names.
        if let [only] = got.subs.as_slice() {
            if got.text.is_empty() {
                return located_program(only);
            }
        }
        let origin_text = origin_word(got.last_origin.as_deref()?);
        let origin = expand(origin_text, &|_| None);
        if let ([only], None) = (origin.substitutions.as_slice(), origin.arg.known()) {
            if let Some(name) = located_program(only) {
                return Some(name);
            }
        }
        let origin = origin.arg;
        let name = match origin.known() {
            Some(text) => text.rsplit_once('/').map(|(_, name)| name.to_string()),
            None => origin.program,
        };
        return name.filter(|n| !n.is_empty() && !n.contains(char::is_whitespace));
    }
    tail.rsplit_once('/')
        .map(|(_, name)| name)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
}

/// The program a locator prints the path of: `which java`, `command -v node`, `type -P perf`.
fn located_program(command: &str) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let name = match words.as_slice() {
        ["which", name] | ["command", "-v", name] | ["type", "-P" | "-p", name] => *name,
        _ => return None,
    };
    let plain = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'));
    (plain && !name.is_empty()).then(|| name.rsplit('/').next().unwrap_or(name).to_string())
}

/// Collects the expansion of `pieces`; `false` when some part is only known at run time.
fn collect(
    pieces: &[WordPieceWithSource],
    lookup: &dyn Fn(&str) -> Option<Var>,
    out: &mut Collected,
    quoted: bool,
) -> bool {
    let mut literal = true;
    for piece in pieces {
        let known = match &piece.piece {
            WordPiece::Text(t) | WordPiece::SingleQuotedText(t) => {
                out.text.push_str(t);
                true
            }
            WordPiece::AnsiCQuotedText(t) => {
                out.text.push_str(&ansi_c(t));
                true
            }
            WordPiece::EscapeSequence(t) => {
                out.text.push_str(t.strip_prefix('\\').unwrap_or(t));
                true
            }
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => collect(inner, lookup, out, true),
            WordPiece::TildeExpansion(_) => {
                out.text.push('~');
                true
            }
            WordPiece::ParameterExpansion(expr) => match parameter(expr, lookup).and_then(texts) {
                Ok(Known::One(value)) => {
                    out.text.push_str(&value);
                    true
                }
                // `"$*"` and `"${a[*]}"` join the elements into one word.
                Ok(Known::Many(values, true)) if quoted => {
                    out.text.push_str(&values.join(" "));
                    true
                }
                // `"$@"`, `"${a[@]}"` and every unquoted form: one word per element, the
                // first joined to what precedes it, the last to what follows.
                Ok(Known::Many(values, _)) => {
                    out.lists = true;
                    out.items += values.len();
                    for (i, value) in values.into_iter().enumerate() {
                        if i > 0 {
                            out.fields.push(std::mem::take(&mut out.text));
                            out.dynamic_end = out.dynamic_end.map(|_| 0);
                        }
                        out.text.push_str(&value);
                    }
                    true
                }
                Err(origin) => {
                    out.last_origin.clone_from(&origin);
                    out.origins.extend(origin);
                    false
                }
            },
            WordPiece::CommandSubstitution(body)
            | WordPiece::BackquotedCommandSubstitution(body) => {
                out.subs.push(body.clone());
                false
            }
            WordPiece::ArithmeticExpression(_) => false,
        };
        // A quoted sequence has placed its own unknown parts.
        let nested = matches!(
            piece.piece,
            WordPiece::DoubleQuotedSequence(_) | WordPiece::GettextDoubleQuotedSequence(_)
        );
        if !known && !nested {
            out.dynamic_end = Some(out.text.len());
            if !matches!(piece.piece, WordPiece::ParameterExpansion(_)) {
                out.last_origin = None;
            }
        }
        literal &= known;
    }
    literal
}

/// What a parameter expansion gives when it is known.
enum Value {
    One(String),
    /// An array's or the positional parameters' elements; `true` when they are joined into
    /// one word inside double quotes (`*` rather than `@`).
    Many(Vec<Var>, bool),
}

/// `$NAME` / `${NAME}` / `${NAME:-default}`, `$1`, `"$@"`, `${a[0]}`, `"${a[@]}"`,
/// `"${@:2}"` when the value is known; else the raw text the unknown value came from, when the
/// command line itself set it.
fn parameter(
    expr: &ParameterExpr,
    lookup: &dyn Fn(&str) -> Option<Var>,
) -> Result<Value, Option<String>> {
    use brush_parser::word::Parameter;
    match expr {
        ParameterExpr::Parameter {
            parameter,
            indirect: false,
        } => value_of(parameter, lookup),
        ParameterExpr::UseDefaultValues {
            parameter: Parameter::Named(name),
            indirect: false,
            default_value,
            ..
        } => match lookup(name).map(Var::into_scalar) {
            Some(Ok(value)) if !value.is_empty() => Ok(Value::One(value)),
            Some(Err(origin @ Some(_))) => Err(origin),
            // Unset: the default is what runs, when it is itself plain text.
            _ => default_value
                .as_deref()
                .filter(|d| !d.contains(['$', '`', '"', '\'', '\\']))
                .map(|d| Value::One(d.to_string()))
                .ok_or(None),
        },
        // `${@:2}`, `${a[@]:1:2}`: a slice of the elements, when offset and length are numbers.
        ParameterExpr::Substring {
            parameter,
            indirect: false,
            offset,
            length,
        } => {
            let Value::Many(values, joined) = value_of(parameter, lookup)? else {
                return Err(None);
            };
            let number = |text: &str| text.trim().parse::<usize>().map_err(|_| None);
            let mut start = number(&offset.value)?;
            if matches!(parameter, Parameter::Special(_)) {
                // The positional parameters count from `$0`, which the guard does not know.
                start = start.checked_sub(1).ok_or(None)?;
            }
            let rest = values.get(start..).unwrap_or_default();
            let taken = match length {
                Some(length) => rest.iter().take(number(&length.value)?).cloned().collect(),
                None => rest.to_vec(),
            };
            Ok(Value::Many(taken, joined))
        }
        _ => Err(None),
    }
}

/// A parameter's value with every element known, or where the first unknown one came from.
fn texts(value: Value) -> Result<Known, Option<String>> {
    match value {
        Value::One(text) => Ok(Known::One(text)),
        Value::Many(vars, joined) => Ok(Known::Many(
            vars.into_iter()
                .map(Var::into_scalar)
                .collect::<Result<_, _>>()?,
            joined,
        )),
    }
}

/// A parameter's value once every element is known.
enum Known {
    One(String),
    Many(Vec<String>, bool),
}

/// When the whole word is one expansion of an array or of the positional parameters
/// (`"$@"`, `${a[@]}`, `"${@:2}"`), its elements, known or not: each becomes a word of its
/// own, so an unknown element does not hide the known ones (`assert test "$x" = 1` calling
/// `assert () { "$@"; }` runs `test`). `None` for any other word.
pub(crate) fn list_elements(raw: &str, lookup: &dyn Fn(&str) -> Option<Var>) -> Option<Vec<Var>> {
    let pieces = brush_parser::word::parse(raw, &options()).ok()?;
    let (expr, quoted) = match pieces.as_slice() {
        [only] => match &only.piece {
            WordPiece::ParameterExpansion(expr) => (expr, false),
            WordPiece::DoubleQuotedSequence(inner) => match inner.as_slice() {
                [WordPieceWithSource {
                    piece: WordPiece::ParameterExpansion(expr),
                    ..
                }] => (expr, true),
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    };
    match parameter(expr, lookup).ok()? {
        Value::Many(vars, joined) if !(joined && quoted) => Some(vars),
        _ => None,
    }
}

/// The value of one parameter: a named variable, an array element or all elements, a
/// positional parameter, all of them, or their count.
fn value_of(
    parameter: &brush_parser::word::Parameter,
    lookup: &dyn Fn(&str) -> Option<Var>,
) -> Result<Value, Option<String>> {
    use brush_parser::word::{Parameter, SpecialParameter};
    let known = |name: &str| lookup(name).ok_or(None);
    match parameter {
        Parameter::Named(name) => known(name)?.into_scalar().map(Value::One),
        Parameter::NamedWithIndex { name, index } => {
            let index: usize = index.trim().parse().map_err(|_| None)?;
            match known(name)?.into_list().into_iter().nth(index) {
                Some(element) => element.into_scalar().map(Value::One),
                None => Ok(Value::One(String::new())),
            }
        }
        Parameter::NamedWithAllIndices { name, concatenate } => {
            Ok(Value::Many(known(name)?.into_list(), *concatenate))
        }
        Parameter::Positional(n) => known(&n.to_string())?.into_scalar().map(Value::One),
        Parameter::Special(SpecialParameter::AllPositionalParameters { concatenate }) => {
            Ok(Value::Many(known("@")?.into_list(), *concatenate))
        }
        Parameter::Special(SpecialParameter::PositionalParameterCount) => {
            known("#")?.into_scalar().map(Value::One)
        }
        Parameter::Special(_) => Err(None),
    }
}

/// The few ANSI-C escapes that matter for spelling a command name (`$'\x63dk'`).
fn ansi_c(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('x') => {
                let hex: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_hexdigit))
                    .take(2)
                    .collect();
                match u8::from_str_radix(&hex, 16) {
                    Ok(b) => out.push(char::from(b)),
                    Err(_) => out.push_str("\\x"),
                }
            }
            Some(d @ '0'..='7') => {
                let mut oct = String::from(d);
                while oct.len() < 3 {
                    match chars.next_if(|c| ('0'..='7').contains(c)) {
                        Some(c) => oct.push(c),
                        None => break,
                    }
                }
                match u8::from_str_radix(&oct, 8) {
                    Ok(b) => out.push(char::from(b)),
                    Err(_) => out.push('\\'),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(raw: &str) -> Option<String> {
        let e = expand(raw, &|name| {
            (name == "P").then(|| Var::Known("prod".into()))
        });
        e.arg.literal.then_some(e.arg.text)
    }

    #[test]
    fn quotes_escapes_and_known_variables() {
        assert_eq!(lit(r#"c"d"k"#).as_deref(), Some("cdk"));
        assert_eq!(lit(r"\cdk").as_deref(), Some("cdk"));
        assert_eq!(lit("'de'ploy").as_deref(), Some("deploy"));
        assert_eq!(lit(r"$'\x63dk'").as_deref(), Some("cdk"));
        assert_eq!(lit("--profile=$P").as_deref(), Some("--profile=prod"));
        assert_eq!(lit("${P}-orders").as_deref(), Some("prod-orders"));
        assert_eq!(lit("${X:-prod}").as_deref(), Some("prod"));
        assert_eq!(lit("$X"), None);
    }

    #[test]
    fn substitutions_are_returned() {
        let e = expand("$(echo cdk)", &|_| None);
        assert!(!e.arg.literal);
        assert_eq!(e.substitutions, vec!["echo cdk".to_string()]);
        let e = expand("\"`aws s3 rb s3://x`\"", &|_| None);
        assert_eq!(e.substitutions, vec!["aws s3 rb s3://x".to_string()]);
    }
}

/// Results of one brace expansion at most; past it the word is kept as written.
const MAX_BRACE_WORDS: usize = 64;

/// Bash's brace expansion of an unquoted word: `a{b,c}d` → `abd acd`, groups nested and in
/// sequence. A word with no comma list (`{}`, `${x}`, `{a}`) stays as it is; so does one whose
/// expansion would exceed [`MAX_BRACE_WORDS`]. (`{1..3}` ranges are left alone.)
pub(crate) fn brace_expand(word: &str) -> Vec<String> {
    let mut words = vec![word.to_string()];
    loop {
        let mut changed = false;
        let mut next = Vec::new();
        for w in &words {
            match expand_first_group(w) {
                Some(expanded) => {
                    changed = true;
                    next.extend(expanded);
                }
                None => next.push(w.clone()),
            }
            if next.len() > MAX_BRACE_WORDS {
                return vec![word.to_string()];
            }
        }
        words = next;
        if !changed {
            return words;
        }
    }
}

/// The first `{…,…}` group of `word` expanded once, or `None` when it has none.
fn expand_first_group(word: &str) -> Option<Vec<String>> {
    let bytes = word.as_bytes();
    for (open, &b) in bytes.iter().enumerate() {
        if b != b'{' || (open > 0 && bytes[open - 1] == b'$') {
            continue;
        }
        let (mut depth, mut commas) = (0usize, Vec::new());
        for (i, &c) in bytes.iter().enumerate().skip(open) {
            match c {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        if commas.is_empty() {
                            break;
                        }
                        let (prefix, suffix) = (&word[..open], &word[i + 1..]);
                        let mut starts = vec![open + 1];
                        starts.extend(commas.iter().map(|c| c + 1));
                        let mut ends = commas.clone();
                        ends.push(i);
                        return Some(
                            starts
                                .iter()
                                .zip(&ends)
                                .map(|(s, e)| format!("{prefix}{}{suffix}", &word[*s..*e]))
                                .collect(),
                        );
                    }
                }
                b',' if depth == 1 => commas.push(i),
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod brace_tests {
    use super::brace_expand;

    #[test]
    fn comma_lists_expand_like_bash() {
        assert_eq!(brace_expand("{destroy,synth}"), ["destroy", "synth"]);
        assert_eq!(brace_expand("a{b,c}d"), ["abd", "acd"]);
        assert_eq!(brace_expand("{a,b}{1,2}"), ["a1", "a2", "b1", "b2"]);
        assert_eq!(brace_expand("x{a,{b,c}}"), ["xa", "xb", "xc"]);
        for same in ["{}", "{a}", "a{b", "plain", "{1..3}"] {
            assert_eq!(brace_expand(same), [same]);
        }
        assert_eq!(brace_expand(&"{a,b}".repeat(7)).len(), 1, "too many: kept");
    }
}
