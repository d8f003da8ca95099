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
                    || got.obscured
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

/// The variables a word assigns as it expands (`${P:=ops}`, `${P=ops}`): each with the value
/// it gets, unknown when the guard cannot tell whether or what the default assigns.
pub(crate) fn default_assignments(
    raw: &str,
    lookup: &dyn Fn(&str) -> Option<Var>,
) -> Vec<(String, Var)> {
    fn walk(
        pieces: &[WordPieceWithSource],
        lookup: &dyn Fn(&str) -> Option<Var>,
        out: &mut Vec<(String, Var)>,
    ) {
        for piece in pieces {
            match &piece.piece {
                WordPiece::DoubleQuotedSequence(inner)
                | WordPiece::GettextDoubleQuotedSequence(inner) => walk(inner, lookup, out),
                WordPiece::ParameterExpansion(ParameterExpr::AssignDefaultValues {
                    parameter,
                    indirect,
                    test_type,
                    default_value,
                }) => {
                    let null_counts = matches!(
                        test_type,
                        brush_parser::word::ParameterTestType::UnsetOrNull
                    );
                    let name = match (parameter, indirect) {
                        (brush_parser::word::Parameter::Named(name), false) => name.clone(),
                        // `${!ref:=x}`, `${a[i]:=x}`: which variable is assigned is not told
                        // here; such a word is already unknown where it matters.
                        _ => continue,
                    };
                    let unknown = Var::Unknown(format!("${{{name}:=…}}"));
                    match state(parameter, false, lookup, null_counts) {
                        Ok(Some(_)) => {}
                        Ok(None) => {
                            let mut subs = Vec::new();
                            let value = match nested(
                                default_value.as_deref().unwrap_or(""),
                                lookup,
                                &mut subs,
                            ) {
                                Ok(text) if subs.is_empty() => Var::Known(text),
                                _ => unknown,
                            };
                            out.push((name, value));
                        }
                        Err(_) => out.push((name, unknown)),
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    if !raw.contains('=') {
        return out;
    }
    if let Ok(pieces) = brush_parser::word::parse(raw, &options()) {
        walk(&pieces, lookup, &mut out);
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
    /// An expansion operator could not be evaluated exactly (`${v/$x/a}`, `${v@P}`): what the
    /// word stands for cannot be read off its text.
    obscured: bool,
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
            WordPiece::ParameterExpansion(expr) => {
                match parameter(expr, lookup, &mut out.subs, &mut out.obscured).and_then(texts) {
                    Ok(Known::One(value)) => {
                        out.text.push_str(&value);
                        true
                    }
                    // `"$*"` and `"${a[*]}"` join the elements into one word, with the
                    // first character of `IFS` between them.
                    Ok(Known::Many(values, true)) if quoted => match lookup("IFS") {
                        None => {
                            out.text.push_str(&values.join(" "));
                            true
                        }
                        Some(Var::Known(ifs)) => {
                            let separator: String = ifs.chars().take(1).collect();
                            out.text.push_str(&values.join(&separator));
                            true
                        }
                        Some(_) => {
                            out.obscured = true;
                            false
                        }
                    },
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
                }
            }
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

/// `$NAME` / `${NAME}`, `$1`, `"$@"`, `${a[0]}`, `"${a[@]}"`, `"${@:2}"` and every operator bash
/// applies to a parameter (`${v:-default}`, `${v/x/y}`, `${v%x}`, `${v#x}`, `${v^^}`, `${v,,}`,
/// `${v:0:3}`, `${!ref}`, `${#v}`, `${v@U}` …), evaluated exactly when the value (and any
/// pattern or replacement) is known; else the raw text the unknown value came from, when the
/// command line itself set it. An operator the guard cannot evaluate exactly makes the word
/// unknown, never a known text: `obscured` is then set, because what such a word stands for
/// cannot be told from its text either. Command substitutions inside a default, alternative,
/// pattern or replacement are added to `subs` (they may run).
fn parameter(
    expr: &ParameterExpr,
    lookup: &dyn Fn(&str) -> Option<Var>,
    subs: &mut Vec<String>,
    obscured: &mut bool,
) -> Result<Value, Option<String>> {
    let result = operator(expr, lookup, subs);
    if matches!(result, Err(None)) {
        // Not just an unknown variable: the operator itself could not be applied.
        let (parameter, indirect) = operand(expr);
        if parameter.is_none_or(|p| base(p, indirect, lookup).is_ok()) {
            *obscured = true;
        }
    }
    result
}

/// The parameter an expansion applies its operator to.
fn operand(expr: &ParameterExpr) -> (Option<&brush_parser::word::Parameter>, bool) {
    match expr {
        ParameterExpr::Parameter {
            parameter,
            indirect,
        }
        | ParameterExpr::UseDefaultValues {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::AssignDefaultValues {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::IndicateErrorIfNullOrUnset {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::UseAlternativeValue {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::ParameterLength {
            parameter,
            indirect,
        }
        | ParameterExpr::RemoveSmallestSuffixPattern {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::RemoveLargestSuffixPattern {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::RemoveSmallestPrefixPattern {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::RemoveLargestPrefixPattern {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::Substring {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::Transform {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::UppercaseFirstChar {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::UppercasePattern {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::LowercaseFirstChar {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::LowercasePattern {
            parameter,
            indirect,
            ..
        }
        | ParameterExpr::ReplaceSubstring {
            parameter,
            indirect,
            ..
        } => (Some(parameter), *indirect),
        ParameterExpr::VariableNames { .. } | ParameterExpr::MemberKeys { .. } => (None, false),
    }
}

fn operator(
    expr: &ParameterExpr,
    lookup: &dyn Fn(&str) -> Option<Var>,
    subs: &mut Vec<String>,
) -> Result<Value, Option<String>> {
    use brush_parser::word::{ParameterTestType, ParameterTransformOp as Op, SubstringMatchKind};
    match expr {
        ParameterExpr::Parameter {
            parameter,
            indirect,
        } => base(parameter, *indirect, lookup),
        ParameterExpr::UseDefaultValues {
            parameter,
            indirect,
            test_type,
            default_value: word,
        }
        | ParameterExpr::AssignDefaultValues {
            parameter,
            indirect,
            test_type,
            default_value: word,
        } => {
            let null_counts = matches!(test_type, ParameterTestType::UnsetOrNull);
            match state(parameter, *indirect, lookup, null_counts)? {
                Some(value) => Ok(value),
                None => nested(word.as_deref().unwrap_or(""), lookup, subs).map(Value::One),
            }
        }
        ParameterExpr::UseAlternativeValue {
            parameter,
            indirect,
            test_type,
            alternative_value: word,
        } => {
            let null_counts = matches!(test_type, ParameterTestType::UnsetOrNull);
            match state(parameter, *indirect, lookup, null_counts)? {
                Some(_) => nested(word.as_deref().unwrap_or(""), lookup, subs).map(Value::One),
                None => Ok(Value::One(String::new())),
            }
        }
        // `${v:?message}`: the value when set; else the shell stops with the message.
        ParameterExpr::IndicateErrorIfNullOrUnset {
            parameter,
            indirect,
            test_type,
            ..
        } => {
            let null_counts = matches!(test_type, ParameterTestType::UnsetOrNull);
            state(parameter, *indirect, lookup, null_counts)?.ok_or(None)
        }
        ParameterExpr::ParameterLength {
            parameter,
            indirect,
        } => match base(parameter, *indirect, lookup)? {
            Value::One(text) => Ok(Value::One(text.chars().count().to_string())),
            Value::Many(values, _) => Ok(Value::One(values.len().to_string())),
        },
        ParameterExpr::RemoveSmallestSuffixPattern {
            parameter,
            indirect,
            pattern,
        }
        | ParameterExpr::RemoveLargestSuffixPattern {
            parameter,
            indirect,
            pattern,
        }
        | ParameterExpr::RemoveSmallestPrefixPattern {
            parameter,
            indirect,
            pattern,
        }
        | ParameterExpr::RemoveLargestPrefixPattern {
            parameter,
            indirect,
            pattern,
        } => {
            let value = base(parameter, *indirect, lookup);
            let pattern = glob_pattern(pattern.as_deref().unwrap_or(""), lookup, subs);
            let (value, pattern) = (value?, pattern?);
            let (suffix, largest) = match expr {
                ParameterExpr::RemoveSmallestSuffixPattern { .. } => (true, false),
                ParameterExpr::RemoveLargestSuffixPattern { .. } => (true, true),
                ParameterExpr::RemoveSmallestPrefixPattern { .. } => (false, false),
                _ => (false, true),
            };
            each(value, |text| {
                crate::glob::remove(&pattern, text, suffix, largest).ok_or(None)
            })
        }
        ParameterExpr::Substring {
            parameter,
            indirect,
            offset,
            length,
        } => {
            let value = base(parameter, *indirect, lookup)?;
            let offset = integer(&offset.value).ok_or(None)?;
            let length = match length {
                Some(length) => Some(integer(&length.value).ok_or(None)?),
                None => None,
            };
            match value {
                Value::One(text) => substring(&text, offset, length).map(Value::One),
                // `${@:2}`, `${a[@]:1:2}`: a slice of the elements.
                Value::Many(values, joined) => {
                    let mut start = usize::try_from(offset).map_err(|_| None)?;
                    if matches!(parameter, brush_parser::word::Parameter::Special(_)) && !indirect {
                        // The positional parameters count from `$0`, which the guard does not
                        // know.
                        start = start.checked_sub(1).ok_or(None)?;
                    }
                    let rest = values.get(start..).unwrap_or_default();
                    let taken = match length {
                        Some(length) => {
                            let length = usize::try_from(length).map_err(|_| None)?;
                            rest.iter().take(length).cloned().collect()
                        }
                        None => rest.to_vec(),
                    };
                    Ok(Value::Many(taken, joined))
                }
            }
        }
        ParameterExpr::Transform {
            parameter,
            indirect,
            op,
        } => {
            let value = base(parameter, *indirect, lookup)?;
            match op {
                Op::ToUpperCase => each(value, |t| Ok(t.to_uppercase())),
                Op::ToLowerCase => each(value, |t| Ok(t.to_lowercase())),
                Op::CapitalizeInitial => each(value, |t| Ok(first_char(t, true, None))),
                Op::ExpandEscapeSequences => each(value, |t| Ok(ansi_c(t))),
                Op::Quoted => each(value, |t| Ok(format!("'{}'", t.replace('\'', r"'\''")))),
                _ => Err(None),
            }
        }
        ParameterExpr::UppercaseFirstChar {
            parameter,
            indirect,
            pattern,
        }
        | ParameterExpr::LowercaseFirstChar {
            parameter,
            indirect,
            pattern,
        }
        | ParameterExpr::UppercasePattern {
            parameter,
            indirect,
            pattern,
        }
        | ParameterExpr::LowercasePattern {
            parameter,
            indirect,
            pattern,
        } => {
            let value = base(parameter, *indirect, lookup);
            // `${v^^}`: no pattern (brush may give an empty one) converts every character.
            let pattern = pattern
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(|raw| glob_pattern(raw, lookup, subs));
            let value = value?;
            let pattern = pattern.transpose()?;
            let upper = matches!(
                expr,
                ParameterExpr::UppercaseFirstChar { .. } | ParameterExpr::UppercasePattern { .. }
            );
            let all = matches!(
                expr,
                ParameterExpr::UppercasePattern { .. } | ParameterExpr::LowercasePattern { .. }
            );
            each(value, |text| {
                Ok(if all {
                    text.chars()
                        .map(|c| convert_case(c, upper, pattern.as_deref()))
                        .collect()
                } else {
                    first_char(text, upper, pattern.as_deref())
                })
            })
        }
        ParameterExpr::ReplaceSubstring {
            parameter,
            indirect,
            pattern,
            replacement,
            match_kind,
        } => {
            let value = base(parameter, *indirect, lookup);
            let compiled = glob_pattern(pattern, lookup, subs);
            let replacement = replacement_text(replacement.as_deref().unwrap_or(""), lookup, subs);
            let (value, compiled, replacement) = (value?, compiled?, replacement?);
            let kind = match match_kind {
                SubstringMatchKind::Prefix => crate::glob::Replace::Prefix,
                SubstringMatchKind::Suffix => crate::glob::Replace::Suffix,
                SubstringMatchKind::FirstOccurrence => crate::glob::Replace::First,
                SubstringMatchKind::Anywhere => crate::glob::Replace::All,
            };
            each(value, |text| {
                crate::glob::replace(&compiled, text, &replacement, kind).ok_or(None)
            })
        }
        // `${!a[@]}`: the indices of an array.
        ParameterExpr::MemberKeys {
            variable_name,
            concatenate,
        } => {
            let items = lookup(variable_name).ok_or(None)?.into_list();
            Ok(Value::Many(
                (0..items.len())
                    .map(|i| Var::Known(i.to_string()))
                    .collect(),
                *concatenate,
            ))
        }
        ParameterExpr::VariableNames { .. } => Err(None),
    }
}

/// A parameter's value, through `${!name}` indirection when `indirect`.
fn base(
    parameter: &brush_parser::word::Parameter,
    indirect: bool,
    lookup: &dyn Fn(&str) -> Option<Var>,
) -> Result<Value, Option<String>> {
    if !indirect {
        return value_of(parameter, lookup);
    }
    let Value::One(name) = value_of(parameter, lookup)? else {
        return Err(None);
    };
    value_of(&parameter_named(&name).ok_or(None)?, lookup)
}

/// The parameter a `${!ref}` value names: `v`, `a[1]`, `a[@]`, `3`, `@`.
fn parameter_named(name: &str) -> Option<brush_parser::word::Parameter> {
    use brush_parser::word::{Parameter, SpecialParameter};
    let identifier = |n: &str| {
        n.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if let Some((array, index)) = name.strip_suffix(']').and_then(|n| n.split_once('[')) {
        if !identifier(array) {
            return None;
        }
        return Some(match index {
            "@" | "*" => Parameter::NamedWithAllIndices {
                name: array.to_string(),
                concatenate: index == "*",
            },
            _ => Parameter::NamedWithIndex {
                name: array.to_string(),
                index: index.to_string(),
            },
        });
    }
    match name {
        "@" | "*" => Some(Parameter::Special(
            SpecialParameter::AllPositionalParameters {
                concatenate: name == "*",
            },
        )),
        "#" => Some(Parameter::Special(
            SpecialParameter::PositionalParameterCount,
        )),
        _ if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) => {
            Some(Parameter::Positional(name.parse().ok()?))
        }
        _ if identifier(name) => Some(Parameter::Named(name.to_string())),
        _ => None,
    }
}

/// Whether a parameter is set (and, when `null_counts`, not empty), for `${v:-d}`, `${v-d}`,
/// `${v:+a}` and `${v:?}`: `Ok(Some(value))` when it is, `Ok(None)` when not, `Err` when the
/// guard cannot tell. A named variable the guard has no value for is unset; other parameters
/// are only known set when their value is not empty.
fn state(
    parameter: &brush_parser::word::Parameter,
    indirect: bool,
    lookup: &dyn Fn(&str) -> Option<Var>,
    null_counts: bool,
) -> Result<Option<Value>, Option<String>> {
    use brush_parser::word::Parameter;
    let target = if indirect {
        let Value::One(name) = value_of(parameter, lookup)? else {
            return Err(None);
        };
        parameter_named(&name).ok_or(None)?
    } else {
        parameter.clone()
    };
    if let Parameter::Named(name) = &target {
        let value = match lookup(name) {
            None => return Ok(None),
            Some(Var::List(items)) if items.is_empty() => return Ok(None),
            Some(var) => var.into_scalar()?,
        };
        return Ok((!(null_counts && value.is_empty())).then_some(Value::One(value)));
    }
    let value = match value_of(&target, lookup)? {
        Value::One(text) => text,
        Value::Many(..) => return Err(None),
    };
    match (value.is_empty(), null_counts) {
        (false, _) => Ok(Some(Value::One(value))),
        (true, true) => Ok(None),
        // Empty, or past the last positional parameter: set or not, the guard cannot tell.
        (true, false) => Err(None),
    }
}

/// A word inside an expansion (`${v:-word}`), expanded: its text when known.
fn nested(
    raw: &str,
    lookup: &dyn Fn(&str) -> Option<Var>,
    subs: &mut Vec<String>,
) -> Result<String, Option<String>> {
    let expansion = expand(raw, lookup);
    subs.extend(expansion.substitutions);
    if expansion.unread {
        return Err(None);
    }
    match expansion.arg.known() {
        Some(text) => Ok(text.to_string()),
        None => Err(expansion.arg.origins.into_iter().next()),
    }
}

/// The replacement of `${v/x/rep}`: bash 5.2 replaces an unquoted `&` with the matched text
/// (`patsub_replacement`), older versions keep it: which one runs is unknown.
fn replacement_text(
    raw: &str,
    lookup: &dyn Fn(&str) -> Option<Var>,
    subs: &mut Vec<String>,
) -> Result<String, Option<String>> {
    let pieces = brush_parser::word::parse(raw, &options()).map_err(|_| None)?;
    let ampersand = pieces
        .iter()
        .any(|p| matches!(&p.piece, WordPiece::Text(t) if t.contains('&')));
    let text = nested(raw, lookup, subs)?;
    if ampersand {
        return Err(None);
    }
    Ok(text)
}

/// A pattern word (`${v%pattern}`) as glob tokens: unquoted `*`, `?` and `[...]` match,
/// quoted or escaped text is literal, a known variable's value is a pattern itself.
fn glob_pattern(
    raw: &str,
    lookup: &dyn Fn(&str) -> Option<Var>,
    subs: &mut Vec<String>,
) -> Result<Vec<crate::glob::Token>, Option<String>> {
    let pieces = brush_parser::word::parse(raw, &options()).map_err(|_| None)?;
    let mut chars = Vec::new();
    pattern_chars(&pieces, lookup, subs, false, &mut chars)?;
    crate::glob::compile(&chars).ok_or(None)
}

/// The characters of a pattern, each with whether it is active (unquoted).
fn pattern_chars(
    pieces: &[WordPieceWithSource],
    lookup: &dyn Fn(&str) -> Option<Var>,
    subs: &mut Vec<String>,
    quoted: bool,
    out: &mut Vec<(char, bool)>,
) -> Result<(), Option<String>> {
    let mut result = Ok(());
    for piece in pieces {
        let mut push = |text: &str, active: bool| out.extend(text.chars().map(|c| (c, active)));
        match &piece.piece {
            WordPiece::Text(t) => push(t, !quoted),
            WordPiece::SingleQuotedText(t) => push(t, false),
            WordPiece::AnsiCQuotedText(t) => push(&ansi_c(t), false),
            WordPiece::EscapeSequence(t) => push(t.strip_prefix('\\').unwrap_or(t), false),
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => {
                pattern_chars(inner, lookup, subs, true, out)?;
            }
            WordPiece::ParameterExpansion(expr) => {
                let mut obscured = false;
                match parameter(expr, lookup, subs, &mut obscured).and_then(texts) {
                    Ok(Known::One(value)) => push(&value, !quoted),
                    Ok(Known::Many(values, _)) => push(&values.join(" "), !quoted),
                    Err(origin) => result = Err(origin),
                }
            }
            WordPiece::CommandSubstitution(body)
            | WordPiece::BackquotedCommandSubstitution(body) => {
                subs.push(body.clone());
                result = Err(None);
            }
            WordPiece::TildeExpansion(_) | WordPiece::ArithmeticExpression(_) => {
                result = Err(None);
            }
        }
    }
    result
}

/// A plain integer (`3`, ` -2`): offsets and lengths written as arithmetic the guard evaluates.
fn integer(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text.strip_prefix('+').unwrap_or(text).trim_start()),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(if negative { -n } else { n })
}

/// `${v:offset:length}` of a scalar, as bash counts: a negative offset from the end, a negative
/// length as an end counted from the end (an end before the start is an error).
fn substring(text: &str, offset: i64, length: Option<i64>) -> Result<String, Option<String>> {
    let chars: Vec<char> = text.chars().collect();
    let n = i64::try_from(chars.len()).map_err(|_| None)?;
    let start = if offset < 0 {
        n.saturating_add(offset)
    } else {
        offset
    };
    if start < 0 || start > n {
        return Ok(String::new());
    }
    let end = match length {
        None => n,
        Some(l) if l < 0 => n.saturating_add(l),
        Some(l) => start.checked_add(l).map_or(n, |end| end.min(n)),
    };
    if end < start {
        return Err(None);
    }
    let (start, end) = (
        usize::try_from(start).map_err(|_| None)?,
        usize::try_from(end).map_err(|_| None)?,
    );
    Ok(chars[start..end].iter().collect())
}

/// Applies `f` to a scalar, or to each element of an array or the positional parameters.
fn each(
    value: Value,
    f: impl Fn(&str) -> Result<String, Option<String>>,
) -> Result<Value, Option<String>> {
    match value {
        Value::One(text) => f(&text).map(Value::One),
        Value::Many(values, joined) => Ok(Value::Many(
            values
                .into_iter()
                .map(|v| v.into_scalar().and_then(|t| f(&t)).map(Var::Known))
                .collect::<Result<_, _>>()?,
            joined,
        )),
    }
}

/// `${v^}` / `${v,}`: the first character converted when it matches `pattern` (any, if none).
fn first_char(text: &str, upper: bool, pattern: Option<&[crate::glob::Token]>) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let mut out = convert_case(first, upper, pattern);
            out.push_str(chars.as_str());
            out
        }
        None => String::new(),
    }
}

fn convert_case(c: char, upper: bool, pattern: Option<&[crate::glob::Token]>) -> String {
    let matches = pattern.is_none_or(|p| crate::glob::matches(p, &c.to_string()));
    match (matches, upper) {
        (false, _) => c.to_string(),
        (true, true) => c.to_uppercase().collect(),
        (true, false) => c.to_lowercase().collect(),
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
    match parameter(expr, lookup, &mut Vec::new(), &mut false).ok()? {
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

    fn with(vars: &[(&str, &str)], raw: &str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect();
        let e = expand(raw, &|name| {
            vars.iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| Var::Known(v.clone()))
        });
        e.arg.literal.then_some(e.arg.text)
    }

    #[test]
    fn operators_are_evaluated_exactly() {
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
        let cases: &[Case<'_>] = &[
            (&[("v", "xws")], "${v/x/a}", "aws"),
            (&[("v", "axs")], "${v//x/w}", "aws"),
            (&[("v", "axx")], "${v//x/s}", "ass"),
            (&[("v", "awsX")], "${v%X}", "aws"),
            (&[("v", "awsXX")], "${v%%X*}", "aws"),
            (&[("v", "Xaws")], "${v#X}", "aws"),
            (&[("v", "a.b.aws")], "${v##*.}", "aws"),
            (&[("v", "aws")], "${v#}", "aws"),
            (&[("v", "AWS")], "${v,,}", "aws"),
            (&[("v", "aws")], "${v^^}", "AWS"),
            (&[("v", "Aws")], "${v,}", "aws"),
            (&[("v", "aws")], "${v^}", "Aws"),
            (&[("v", "awsxyz")], "${v:0:3}", "aws"),
            (&[("v", "xxaws")], "${v: -3}", "aws"),
            (&[("v", "xawsx")], "${v:1:-1}", "aws"),
            (&[("n", "v"), ("v", "aws")], "${!n}", "aws"),
            (&[("v", "aws")], "${#v}", "3"),
            (&[], "${v:-aws}", "aws"),
            (&[("d", "aws")], "${v:-$d}", "aws"),
            (&[], "${v:=aws}", "aws"),
            (&[("v", "x")], "${v:+aws}", "aws"),
            (&[], "${v:+aws}", ""),
            (&[("v", "AWS")], "${v@L}", "aws"),
            (&[("v", "a*s")], "${v/\\*/w}", "aws"),
            (&[("v", "a*s")], "${v/\"*\"/w}", "aws"),
            (&[("v", "abs")], "${v/[b-c]/w}", "aws"),
            (&[("v", "ws"), ("p", "")], "${v/#$p/a}", "aws"),
        ];
        for (vars, raw, want) in cases {
            assert_eq!(with(vars, raw).as_deref(), Some(*want), "{raw}");
        }
    }

    #[test]
    fn operators_that_cannot_be_evaluated_make_the_word_unknown() {
        for raw in [
            "${v/$u/a}",
            "${v/x/&}",
            "${v@P}",
            "${v/[[:alpha:]]/a}",
            "${v:$n:2}",
            "${!pre*}",
            "${v/$(echo x)/a}",
        ] {
            let e = expand(raw, &|name| (name == "v").then(|| Var::Known("xws".into())));
            assert!(!e.arg.literal, "{raw}");
            assert!(e.arg.from_output, "{raw}: obscured");
        }
        // An unknown variable under an operator is an unknown variable, as `$u` is.
        let e = expand("${u^^}", &|_| None);
        assert!(!e.arg.literal && !e.arg.from_output);
        let e = expand("${v:-$(aws s3 rb s3://b)}", &|_| None);
        assert_eq!(e.substitutions, vec!["aws s3 rb s3://b".to_string()]);
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
