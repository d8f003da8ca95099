//! Pathological input is answered in bounded time and stack: 1 MB command lines and 10,000
//! nested subshells (Claude Code would never send them; an attacker or a fuzzer might).

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use stackwarden_guard::Decision;

fn timed(command: &str) -> (Option<(Decision, &'static str)>, Duration) {
    let fixture = common::Fixture::new();
    let start = Instant::now();
    let judgement = fixture.judge(command);
    (
        judgement.strictest().map(|v| (v.decision, v.rule)),
        start.elapsed(),
    )
}

#[test]
fn ten_thousand_nested_subshells_do_not_overflow() {
    let deep = 10_000;
    let (verdict, _) = timed(&format!(
        "{}cdk destroy{}",
        "(".repeat(deep),
        ")".repeat(deep)
    ));
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    let (verdict, _) = timed(&format!("{}true{}", "(".repeat(deep), ")".repeat(deep)));
    assert_eq!(verdict, None);
    // Within the limit, nesting is seen through.
    let (verdict, _) = timed(&format!(
        "{}cdk destroy{}",
        "( ".repeat(100),
        " )".repeat(100)
    ));
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
    let nested_bash = (0..8).fold("cdk destroy".to_string(), |inner, _| {
        format!("bash -c {}", shell_quote(&inner))
    });
    let (verdict, _) = timed(&nested_bash);
    assert!(verdict.is_some());
    let (verdict, _) = timed("(( $(aws s3 rb s3://x) + 1 ))");
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
    let braces = format!("{}cdk destroy;{}", "{ ".repeat(10_000), " }".repeat(10_000));
    let (verdict, _) = timed(&braces);
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn one_megabyte_inputs_are_bounded() {
    let limit = Duration::from_secs(30); // debug build on 2 cores; release is ~100x faster
    let many = "echo hello world; ".repeat(((1 << 20) - 64) / 18);
    let (verdict, elapsed) = timed(&many);
    assert_eq!(verdict, None);
    assert!(elapsed < limit, "{elapsed:?}");

    let with_deny = format!("{many}aws s3 rb s3://x");
    let (verdict, elapsed) = timed(&with_deny[..with_deny.len().min(1 << 20)]);
    assert!(elapsed < limit, "{elapsed:?}");
    assert!(
        verdict.is_some_and(|(d, _)| d >= Decision::Ask),
        "{verdict:?}"
    );

    let one_word = format!("echo {}", "a".repeat(1 << 20));
    let (verdict, elapsed) = timed(&one_word[..1 << 20]);
    assert_eq!(verdict, None);
    assert!(elapsed < limit, "{elapsed:?}");

    let over = format!("cdk destroy; {}", "x".repeat(2 << 20));
    let (verdict, _) = timed(&over);
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));

    let quotes = "\"".repeat(1 << 20);
    let (_, elapsed) = timed(&quotes);
    assert!(elapsed < limit, "{elapsed:?}");
}

/// Every prefix of tricky commands (unterminated quotes, half here-documents, dangling
/// operators) is judged without panicking: a poor man's fuzz run that stays in the test suite.
#[test]
fn every_prefix_of_tricky_commands_is_handled() {
    let fixture = common::Fixture::new();
    let tricky = [
        "bash -lc 'bash -c \"cdk destroy\"' && echo $(aws s3 rm s3://b/k) `x` <<EOF\n$(y)\nEOF",
        "for s in dev prod; do AWS_PROFILE=$s npx --yes aws-cdk@2 deploy \"${s}-orders\" -c stage=$s; done | tee log",
        "find . -exec sh -c 'aws s3 rb \"s3://$1\"' _ {} + ; eval \"$(printf %s cdk) destroy\"",
        "case \"$x\" in (prod) cdk deploy;; *) ((i++));; esac; f() { (cd a && make -C b deploy-prod); }; f",
        "$'\\x63dk' deploy ${P:-prod}-orders <(aws s3 ls) >> ~/.aws/credentials 2>&1 &",
    ];
    for command in tricky {
        for (end, _) in command.char_indices() {
            let _ = fixture.judge(&command[..end]);
        }
    }
}

#[test]
fn a_parser_panic_is_an_unresolved_command_not_a_crash() {
    // Found by fuzzing (guard_command): brush-parser 0.4 unwraps the fd number of a redirection.
    let (verdict, _) = timed("c 8888888888888888888<44");
    assert_eq!(verdict, None, "no AWS tool in sight: no decision");
    let (verdict, _) = timed("cdk destroy 8888888888888888888<44");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
}

#[test]
fn unclosed_parentheses_are_refused_before_the_parser_backtracks() {
    // Found by fuzzing (guard_command, a libFuzzer timeout): brush-parser's work to reject
    // unclosed `(` grows fourfold per `(`; this 49-byte command took 1 s in a release build, and
    // three copies of it more than the hook's 5 s budget.
    let found = " ((((((((((($\u{1}::::::::((((((((((($\u{1}:::::es(((tr$$";
    let limit = Duration::from_secs(10); // debug build; each is under a millisecond in release
    let (verdict, elapsed) = timed(&found.repeat(3));
    assert_eq!(verdict, None, "no AWS tool in sight: no decision");
    assert!(elapsed < limit, "{elapsed:?}");
    let (verdict, elapsed) = timed(&format!("{} aws s3 rb s3://x", "(".repeat(30)));
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    assert!(elapsed < limit, "{elapsed:?}");
    // A few unclosed `(` still reach the parser (and are refused by it, as bash refuses them).
    let (verdict, _) = timed("(( aws s3 rb s3://x");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
}

#[test]
fn a_here_document_without_a_delimiter_is_refused_before_the_parser_loops() {
    // Found by fuzzing (guard_command, out of memory): brush-parser 0.4 loops and allocates on a
    // here-document inside an unclosed `$(`.
    let (verdict, elapsed) = timed("zx &$(<< <<\\\"k ");
    assert_eq!(verdict, None, "no AWS tool in sight: no decision");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let (verdict, _) = timed("aws s3 rb s3://x $(<< ;k ");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    // And an empty delimiter (out of memory too: 3.4 GB in 5 s).
    let (verdict, elapsed) = timed("( {ASIA$(aws^secret_ac$<<<c<<'' - ");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let (verdict, elapsed) = timed("aws s3 rb s3://x; cat <<'' - ");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // A delimiter brush trims to nothing: carriage returns, form feeds (spun for the whole 5 s).
    let found = "(  ( {({ (= <\r<<\r< { {%( {({ ( { ";
    let (verdict, elapsed) = timed(found);
    assert_eq!(verdict, None, "no AWS tool in sight: no decision");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let (verdict, elapsed) = timed("aws s3 rb s3://x; cat <<\x0c ");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // A substitution in the delimiter (out of memory: 3.5 GB in 5 s).
    let found = "O= v<<\t\t\t_sec$(\t\t\tO= v1== vk=O= vO=[[ v1=k v=O=&vO= v1===O= ";
    let (verdict, elapsed) = timed(found);
    assert_eq!(verdict, None, "no AWS tool in sight: no decision");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    for delimiter in ["$(\t ", "x$[  ", "\"$(  "] {
        let (verdict, elapsed) = timed(&format!("aws s3 rb s3://x; cat <<{delimiter}"));
        assert_eq!(
            verdict,
            Some((Decision::Ask, "guard/unresolved")),
            "{delimiter}"
        );
        assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    }
    // `<< (` outside arithmetic (out of memory: 2 GB).
    let (verdict, elapsed) = timed("aws s3 rb s3://x $(<< ()) ");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // No body, inside an unclosed `$(` (spun for the whole 5 s).
    let (verdict, elapsed) = timed("$(<<\t\t}\t");
    assert_eq!(verdict, None, "no AWS tool in sight: no decision");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let (verdict, _) = timed("aws s3 rb s3://x $(cat <<  x ");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    // A real here-document is still read and judged, as is an arithmetic shift.
    for shift in ["$(( 1 << (2) ))", "$(( 1 << $x ))", "$(( 1 << 2 ))"] {
        let (verdict, _) = timed(&format!("aws s3 rb s3://x {shift}"));
        assert_eq!(
            verdict,
            Some((Decision::Deny, "guard/destructive")),
            "{shift}"
        );
    }
    let (verdict, _) = timed("aws s3 rb s3://x <<'$(quoted)'\nx\n$(quoted)\n");
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
    let (verdict, _) = timed("bash <<EOF\naws s3 rb s3://x\nEOF");
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
}

#[test]
fn extended_glob_patterns_do_not_make_the_word_parser_backtrack() {
    // Found by fuzzing (guard_command, a libFuzzer timeout): with extglob on, brush's word parser
    // backtracked through `@(` with unclosed `${`, ~20x per `${` (this took 2.8 s in release).
    let found = "g[@(\"p${B[\"p${B[$\"B${B[!${B[!)";
    let (_, elapsed) = timed(&format!("aws s3 ls {found}"));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // Plain globs and brace expansion are still read as words.
    let (verdict, _) = timed("aws s3 rm s3://bucket/*.log {a,b}");
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
}

#[test]
fn here_documents_with_unclosed_substitutions_are_not_backtracked_through() {
    // Found by fuzzing (guard_command, a libFuzzer timeout): brush's word parser backtracked
    // through the unclosed `$(` of an unquoted here-document (0.6 s in release for 174 bytes).
    let body = "E$([^'o$(d$(++++++++++++++++++!($((++++++++nn)eslsowasE$(/ (d$(++++!($((++nn)e";
    let (_, elapsed) = timed(&format!("cat << x\n{body}\nx\n"));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // What cannot be read in a here-document fed to a command is unresolved when AWS is named.
    let (verdict, _) = timed(&format!("cat << x\n$(aws s3 rb s3://b {body}\nx\n"));
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    // A readable one is still judged.
    let (verdict, _) = timed("cat << x\n$(aws s3 rb s3://b)\nx\n");
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
}

#[test]
fn here_documents_with_unclosed_parameter_expansions_are_not_backtracked_through() {
    // Found by fuzzing (guard_command, a libFuzzer timeout): the same backtracking through
    // unclosed `${` (five `${B[` took 1 s in release, each one more twenty times that).
    let found = "B${B[\"{${B+${B[${B[\"${B$((\u{5}";
    let (_, elapsed) = timed(&format!("env 5 <<EOF\n{found}\nEOF\n"));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let deep = "${B[".repeat(8);
    let (verdict, elapsed) = timed(&format!("cat <<EOF\n$(aws s3 rb s3://b {deep}\nEOF\n"));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    // And through an unclosed quote among the parentheses of `$((` (0.2 s in release, 40 bytes).
    let found = "$(((('((((((($((((((\0\0`UUU\u{5}\0";
    let (verdict, elapsed) = timed(&format!("cat <<EOF\n$(aws s3 rb s3://b {found}\nEOF\n"));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    // And through unclosed `$[`, bash's old arithmetic (1.1 s in release for 70 bytes).
    let found = "$[$[$[$[$[$[$[$[$[$[$[_[$$_[c[_[$$_[c[$[_[$$_[$$_[c[$$_`\0x";
    let (verdict, elapsed) = timed(&format!("cat <<EOF\n$(aws s3 rb s3://b) {found}\nEOF\n"));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    // Closed ones are read: the substitution inside runs and is judged.
    let (verdict, _) = timed("cat <<EOF\n${B[1]} ${x:-{y}} $[1] $(aws s3 rb s3://b)\nEOF\n");
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
}

#[test]
fn words_with_many_ambiguous_arithmetic_expansions_are_not_backtracked_through() {
    // Found by fuzzing (guard_command, a libFuzzer timeout): `$((` that ends in a single `)` may
    // be a subshell in a command substitution; brush's word parser tried both readings of each
    // (five in this 120-byte word: 0.2 s in release, each one more about three times that).
    let found = "l[\"\"l[l[$((\"\"l[)h\"\"l[\0\u{3})h[$((!$\"\"l[\0\u{3})[)h[$\"\"k[l[$((l[)h$\"\"l[\u{3})$((!\"\"lk[l[,$((l$\"\"l[\u{3})hTsac7i+p$\"\"l[\0\u{3})h[T$7777b+@\0\u{3}))h[77776>";
    let (verdict, elapsed) = timed(found);
    assert_eq!(verdict, None, "no AWS tool in sight: no decision");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // The same in a leading word, which brush's program parser tries as `name[index]=value`.
    let found = "acl[[[ep$\"\"l[l[,$((l[\"\"l[)\"\"l[)$((\"\")[)h[\"\"k[l[$((\"\"l[)\"\"l[)$((\"\"k[l[$((\"\"l[\0\u{3})e\"\"l[\0\u{3})h[T$777b+@\0\u{3}))h[77776>";
    let (verdict, elapsed) = timed(&format!("{found}; aws s3 ls"));
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let deep = "$((a)b".repeat(12);
    let (verdict, elapsed) = timed(&format!("echo $(aws s3 rb s3://x){deep}"));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // The word is not read, so the substitution in it is not seen: a person decides.
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    // Arithmetic and a few subshells are still read.
    let (verdict, _) = timed("echo $(aws s3 rb s3://x)$((1 + (2)))$((cd x); ls)");
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
}

#[test]
fn subscript_like_words_with_many_brackets_are_not_backtracked_through() {
    // Found by fuzzing (guard_command, a libFuzzer timeout): brush's program parser reads every
    // word as a possible `name[subscript]=value` and backtracked through its brackets (this
    // 330-byte command took the whole 5 s budget in release; shrunk to 120 bytes, 0.28 s); the
    // subscript's `$[` runs past spaces.
    let found = "cAwws[$[ws[$[c$\"ss];>$\"\u{7}\u{0}\u{0}\u{0} for,]\\\\\u{0}['!_d\u{a}\u{0}\u{0}\u{0}\u{0}%\u{0}\u{0}\u{0}\u{0}\u{0}'\\\\\\eep[\\\\d[\\\\$]\\eep[\\\\dcpAwws[$[ws[$[c$\"ss];C$>$*s;]>$*s$*\u{0}\u{0}\u{0}\u{0}\u{0}\"\u{7}\u{0}\u{0}\u{0} for\\\\],\u{0}['!_d\u{a}\u{0}\u{0}\u{0}\u{0}%\u{0}\u{0}\u{0}\u{0}\u{0}'\\\\\\eep[\\\\d[\\\\$]\\eep[\\\\d[opAwws[$[ws[$[c$\"ss];>$\"\u{7}\u{0}\u{0}\u{0} for,]\\\\\u{0}['!_d\u{a}\u{0}\u{0}\u{0}\u{0}%\u{0}\u{0}\u{0}\u{0}\u{0}'\\\\\\eep[\\\\d[\\\\$]\\eep[\\\\dcpAwws[$[ws[$[c$\"ss];C$>$*s;]>$*s$*\u{0}\u{0}\u{0}\u{0}\u{0}\"\u{7}\u{0}\u{0}\u{0} for\\\\],\u{0}['!_d\u{a}\u{0}\u{0}\u{0}\u{0}%\u{0}\u{0}\u{0}\u{0}\u{0}'\\\\\\eep[\\\\d[\\\\$]\\eep[\\\\d[oy\\\\`[o}(  [.oy\\\\`[o}(  )cB";
    let (verdict, elapsed) = timed(&format!("echo {found}"));
    assert_eq!(verdict, None, "no AWS tool in sight: no decision");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let deep = format!("a{}", "[$[b $\"x\"".repeat(20));
    let (verdict, elapsed) = timed(&format!("{deep}; aws s3 rb s3://x"));
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // Real subscripts and globs are still read.
    let (verdict, _) =
        timed("arr[$i]=x; ls file[0-9][0-9].txt && [ -f x ] && [[ -d y ]]; aws s3 rb s3://x");
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
}

#[test]
fn unclosed_array_subscripts_are_not_backtracked_through() {
    // Found by fuzzing (guard_command, a libFuzzer timeout): brush's word parser tried every
    // split after each `${name[` left open (five: 1.3 s in release, each one more twenty times).
    let found = "s$(\0${cdg[A[0} )s$(\0${cd[A% 0}\0${cdg[A% }+)Bs$(\0${cdg[ASIAA$,7fr>\0+\u{1}A,28,$ 0%,_k} ),7";
    let (verdict, elapsed) = timed(found);
    assert_eq!(verdict, None, "no AWS tool in sight: no decision");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let deep = "${c[A% 0}".repeat(8);
    let (verdict, elapsed) = timed(&format!("aws s3 rb s3://x {deep}"));
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    // Closed subscripts are read.
    let (verdict, _) = timed("aws s3 rb s3://${b[0]}-${b[1]}-${b[2]}-${#b[@]}");
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
}

#[test]
fn a_line_of_many_here_documents_is_checked_in_linear_time() {
    // The here-document pre-check once rescanned the rest of the text for every `<<`: a 1 MB
    // line of `: << x ` ran into the hook's 5 s budget and was blocked.
    let line = ": << x ".repeat(140_000);
    let (verdict, elapsed) = timed(&line);
    assert_eq!(verdict, None, "no AWS tool in sight: no decision");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}
