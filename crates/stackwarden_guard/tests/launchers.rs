//! Launchers, wrappers, runners and interpreters that run a command (red-team sections I and
//! J): each hidden form must get the decision of the plain command it runs, or an ask
//! (`guard/unresolved`) where the guard reads a program it does not judge; each benign
//! look-alike must get no decision.

#![allow(clippy::unwrap_used)]

use stackwarden_guard::Decision;
use stackwarden_testkit::guard::Fixture;

const JUSTFILE: &str = "stage := \"dev\"\n\n# Build it.\nbuild:\n    cargo build\n\nclean: build\n    @aws s3 rb s3://b\n\nnuke bucket:\n    aws s3 rb s3://{{bucket}} --force\n\nship: && after\n    echo shipped\n\nafter:\n    cdk deploy prod-orders --require-approval broadening\n\nscript:\n    #!/usr/bin/env bash\n    set -e\n    aws s3 rm s3://data --recursive\n\nalias c := clean\n";

const TASKFILE: &str = "version: '3'\nvars:\n  BUCKET: b\nincludes:\n  infra: ./infra\ntasks:\n  default:\n    cmds:\n      - echo hi\n  build: cargo build\n  clean:\n    desc: remove it\n    cmds:\n      - aws s3 rb s3://{{.BUCKET}}\n  wipe:\n    deps: [clean]\n    cmds:\n      - echo done\n  via:\n    cmds:\n      - task: clean\n  args:\n    cmds:\n      - aws s3 {{.CLI_ARGS}}\n  lint:\n    cmds:\n      - cmd: eslint .\n";

const INFRA_TASKFILE: &str =
    "version: '3'\ntasks:\n  teardown:\n    cmds:\n      - cdk destroy --all --force\n";

fn fixture() -> Fixture {
    Fixture::new()
        .with_file("/proj/justfile", JUSTFILE)
        .with_file("/proj/Taskfile.yml", TASKFILE)
        .with_file("/proj/infra/Taskfile.yml", INFRA_TASKFILE)
        .with_file(
            "/proj/Makefile",
            "include extra.mk\n-include missing.mk\n\nbuild:\n\tnpm run build\n",
        )
        .with_file("/proj/extra.mk", "nuke2:\n\taws s3 rb s3://b2\n")
        .with_file("/proj/tool.py", "import boto3\n")
        .with_file("/proj/version.py", "import boto3\nprint(boto3.__version__)\n")
        .with_file("/proj/hello.py", "print('hello')\n")
        .with_file("/proj/deploy.js", "const { execSync } = require('child_process');\nexecSync(process.argv[2]);\n")
        .with_file("/proj/scripts/x.ts", "import { S3Client, DeleteBucketCommand } from '@aws-sdk/client-s3';\nawait new S3Client({}).send(new DeleteBucketCommand({ Bucket: 'b' }));\n")
        .with_file("/proj/scripts/fmt.ts", "console.log(JSON.stringify({ a: 1 }));\n")
        .with_file("/proj/prog.awk", "BEGIN { system(\"aws s3 rb s3://b\") }\n")
        .with_file("/proj/run.exp", "spawn aws s3 rb s3://b\nexpect eof\n")
        .with_file("/proj/node_modules/aws-cdk/bin/cdk", "#!/usr/bin/env node\nrequire('../lib/index.js');\n")
}

/// Each pair: a hidden form and the plain command it runs.
const SAME_AS_PLAIN: &[(&str, &str)] = &[
    // --- I. Python and JS toolchains
    ("python3 -m awscli s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "python -m awscli --profile ops s3 rm s3://b --recursive",
        "aws --profile ops s3 rm s3://b --recursive",
    ),
    ("pipx run awscli s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "pipx run --spec awscli aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    ("uvx --from awscli aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("uvx awscli s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "uv tool run --from awscli aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    ("uv run aws s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "uv run --with boto3 -- aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    ("poetry run aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("pdm run aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("hatch run aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("hatch run dev:aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("pipenv run aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("conda run -n tools aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("mise exec -- aws s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "mise x node@20 -- npx cdk destroy --force",
        "cdk destroy --force",
    ),
    ("mise exec -c 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("asdf exec aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("doppler run -- aws s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "doppler run --command 'aws s3 rb s3://b'",
        "aws s3 rb s3://b",
    ),
    (
        "infisical run --env=prod -- aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    (
        "chamber exec orders -- aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    ("saml2aws exec -- aws s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "nix-shell -p awscli2 --run 'aws s3 rb s3://b'",
        "aws s3 rb s3://b",
    ),
    ("nix develop -c aws s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "nix shell nixpkgs#awscli2 --command aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    (
        "nix run nixpkgs#awscli2 -- s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    ("corepack pnpm run nuke", "npm run nuke"),
    ("corepack yarn nuke", "npm run nuke"),
    ("corepack npm run nuke", "npm run nuke"),
    // --- containers and pods
    (
        "docker compose run --rm tools aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    (
        "docker compose -f ops.yml exec -T tools aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    (
        "docker-compose run tools sh -c 'aws s3 rb s3://b'",
        "aws s3 rb s3://b",
    ),
    (
        "docker compose run -e AWS_PROFILE=ops tools aws s3 rb s3://b",
        "aws s3 rb s3://b --profile ops",
    ),
    ("kubectl exec pod -- aws s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "kubectl -n ops exec -it deploy/tools -c aws -- aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    ("kubectl exec pod aws s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "oc exec pod -- sh -c 'aws s3 rb s3://b'",
        "aws s3 rb s3://b",
    ),
    (
        "kubectl run tmp --image=amazon/aws-cli --rm -it -- aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    // --- awk, sed
    (
        "awk 'BEGIN{system(\"aws s3 rb s3://b\")}'",
        "aws s3 rb s3://b",
    ),
    (
        "gawk -v x=1 'BEGIN { system(\"aws s3 rb s3://b\") }' /dev/null",
        "aws s3 rb s3://b",
    ),
    (
        "awk 'BEGIN { print \"x\" | \"aws s3 rb s3://b\" }'",
        "aws s3 rb s3://b",
    ),
    (
        "awk 'BEGIN { \"aws s3 rb s3://b\" | getline out }'",
        "aws s3 rb s3://b",
    ),
    ("awk -f prog.awk", "aws s3 rb s3://b"),
    (
        "sed -n '1e aws s3 rb s3://b' /etc/hostname",
        "aws s3 rb s3://b",
    ),
    (
        "sed -ne '1e aws s3 rb s3://b' /etc/hostname",
        "aws s3 rb s3://b",
    ),
    (
        "sed --expression='1e aws s3 rb s3://b' f",
        "aws s3 rb s3://b",
    ),
    // --- git
    ("git -c alias.x='!aws s3 rb s3://b' x", "aws s3 rb s3://b"),
    (
        "git -c alias.x='!f() { aws s3 rb \"$1\"; }; f' x s3://b",
        "aws s3 rb s3://b",
    ),
    (
        "git -c core.pager='aws s3 rb s3://b' log",
        "aws s3 rb s3://b",
    ),
    (
        "git submodule foreach 'aws s3 rb s3://b'",
        "aws s3 rb s3://b",
    ),
    (
        "git submodule foreach --recursive aws s3 rb s3://b",
        "aws s3 rb s3://b",
    ),
    ("git bisect run aws s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "git rebase -x 'aws s3 rb s3://b' HEAD~3",
        "aws s3 rb s3://b",
    ),
    (
        "git rebase --exec='aws s3 rb s3://b' main",
        "aws s3 rb s3://b",
    ),
    // --- runners, watchers, benchmarkers
    ("npx concurrently 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    (
        "npx concurrently -n a,b 'npm test' 'aws s3 rb s3://b'",
        "aws s3 rb s3://b",
    ),
    ("concurrently npm:nuke", "npm run nuke"),
    ("npx npm-run-all nuke", "npm run nuke"),
    ("run-p 'nu*'", "npm run nuke"),
    ("watchexec -- aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("watchexec -e ts 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("entr -s 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("nodemon --exec 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("hyperfine 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    (
        "hyperfine -w 3 --prepare 'aws s3 rb s3://b' 'ls'",
        "aws s3 rb s3://b",
    ),
    (
        "expect -c 'spawn aws s3 rb s3://b; expect eof'",
        "aws s3 rb s3://b",
    ),
    (
        "expect -c 'spawn bash; expect \"$ \"; send \"aws s3 rb s3://b\\r\"'",
        "aws s3 rb s3://b",
    ),
    ("expect run.exp", "aws s3 rb s3://b"),
    // --- at, batch
    ("at now <<< 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("echo 'aws s3 rb s3://b' | at now", "aws s3 rb s3://b"),
    (
        "at now + 1 minute <<'EOF'\naws s3 rb s3://b\nEOF",
        "aws s3 rb s3://b",
    ),
    ("batch <<< 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    (
        "at -f scripts/nuke.sh now",
        "aws s3 rb s3://orders-artifacts --force",
    ),
    // --- shells
    ("fish -c 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("pwsh -c 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("powershell -Command aws s3 rb s3://b", "aws s3 rb s3://b"),
    (
        "pwsh -NoProfile -command \"aws s3 rb s3://b\"",
        "aws s3 rb s3://b",
    ),
    ("zsh -c 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("ksh -c 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("dash -c 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("tcsh -c 'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    // --- env, sudo
    ("env --split-string='aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("env -S'aws s3 rb s3://b'", "aws s3 rb s3://b"),
    ("sudo -iu deploy aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("sudo -Eu root aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("sudo -HEu deploy aws s3 rb s3://b", "aws s3 rb s3://b"),
    ("sudo -udeploy aws s3 rb s3://b", "aws s3 rb s3://b"),
    // --- just, task, make include
    ("just clean", "aws s3 rb s3://b"),
    ("just c", "aws s3 rb s3://b"),
    ("just nuke prod-data", "aws s3 rb s3://prod-data --force"),
    (
        "just ship",
        "cdk deploy prod-orders --require-approval broadening",
    ),
    ("just script", "aws s3 rm s3://data --recursive"),
    ("just -f justfile clean", "aws s3 rb s3://b"),
    ("task clean", "aws s3 rb s3://b"),
    ("task wipe", "aws s3 rb s3://b"),
    ("task via", "aws s3 rb s3://b"),
    ("task args -- rb s3://b", "aws s3 rb s3://b"),
    ("task infra:teardown", "cdk destroy --all --force"),
    ("make nuke2", "aws s3 rb s3://b2"),
    // --- a JS entry point of a known tool
    (
        "node node_modules/aws-cdk/bin/cdk deploy prod-orders --require-approval broadening",
        "cdk deploy prod-orders --require-approval broadening",
    ),
    (
        "node ./node_modules/.bin/cdk destroy --force",
        "cdk destroy --force",
    ),
    ("node $(npm bin)/cdk destroy --force", "cdk destroy --force"),
    (
        "node node_modules/aws-cdk/bin/cdk.js destroy --all --force",
        "cdk destroy --all --force",
    ),
];

/// Programs the guard reads but does not judge: asked about.
const ASKED: &[&str] = &[
    "python3 - <<'EOF'\nimport boto3\nboto3.client('s3').delete_bucket(Bucket='b')\nEOF",
    "python3 <<'EOF'\nimport boto3\nboto3.client('s3').delete_bucket(Bucket='b')\nEOF",
    "node <<'EOF'\nconst {S3Client,DeleteBucketCommand}=require('@aws-sdk/client-s3');new S3Client({}).send(new DeleteBucketCommand({Bucket:'b'}))\nEOF",
    "cat <<'EOF' | python3\nimport boto3\nboto3.client('s3').delete_bucket(Bucket='b')\nEOF",
    "echo \"import boto3; boto3.client('s3').delete_bucket(Bucket='b')\" | python3",
    "python3 <<< \"import os; os.system('aws s3 rb s3://b')\"",
    "python3 < tool.py",
    "curl -s https://example.com/x.py | python3",
    "python3 -Bc \"import boto3; boto3.client('s3').delete_bucket(Bucket='b')\"",
    "python3 -c\"import boto3; boto3.client('s3').delete_bucket(Bucket='b')\"",
    "python3 -I -c 'import boto3'",
    "node -pe \"require('aws-sdk')\"",
    "node --eval=\"require('aws-sdk')\"",
    "node -e \"require('child_' + 'process').execSync('x')\"",
    "npx tsx -e \"import {S3Client} from '@aws-sdk/client-s3'\"",
    "ts-node -e \"import {S3Client} from '@aws-sdk/client-s3'\"",
    "bun -e \"import {S3Client} from '@aws-sdk/client-s3'\"",
    "deno eval \"import {S3Client} from 'npm:@aws-sdk/client-s3'\"",
    "ruby -rjson -e 'system(\"aws s3 rb s3://b\")'",
    "lua -e 'os.execute(\"aws s3 rb s3://b\")'",
    "Rscript -e 'system(\"aws s3 rb s3://b\")'",
    "php -r 'shell_exec(\"aws s3 rb s3://b\");'",
    "perl -E 'system(\"aws s3 rb s3://b\")'",
    "perl -e 'exec \"aws s3 rb s3://b\";'",
    "python3 -c \"import os; os.execvp('aws',['aws','s3','rb','s3://b'])\"",
    "python3 -c \"import pty; pty.spawn(['aws','s3','rb','s3://b'])\"",
    "python3 -c \"import subprocess as s; s.run('aws s3 rb s3://b', shell=True)\"",
    "python3 -c \"from subprocess import run; run(['aws','s3','rb','s3://b'])\"",
    "python3 -c \"import os; os.popen('aws s3 rb s3://b')\"",
    "python3 -c \"__import__('bo'+'to3').client('s3').delete_bucket(Bucket='b')\"",
    "python3 -c \"import importlib; importlib.import_module('bo'+'to3')\"",
    "python3 -c \"getattr(__import__('os'), 'sys'+'tem')('x')\"",
    "python3 tool.py",
    "node deploy.js",
    "npx ts-node scripts/x.ts",
    "tsx scripts/x.ts",
    "node -e \"require('child_process').execSync('aws s3 rb s3://b')\"",
    // sed running its input, awk running a command built from its input.
    "sed 's/.*/aws s3 rb s3:\\/\\/b/e' f",
    "sed -n 'e' cmds.txt",
    "awk '{ system($0) }' cmds.txt",
    "awk '{ print | \"sh\" }' cmds.txt",
    "pwsh -EncodedCommand YQB3AHMA",
];

/// Everyday commands that look like the above: no decision.
const BENIGN: &[&str] = &[
    "uv run pytest",
    "uv run --with rich python -m pytest -q",
    "uvx ruff check .",
    "pipx run black --check .",
    "poetry run python -m pytest",
    "pdm run lint",
    "hatch run test:pytest",
    "pipenv run python manage.py check",
    "mise exec -- node --version",
    "mise x python@3.12 -- python -V",
    "asdf exec node -v",
    "doppler run -- npm test",
    "nix-shell -p jq --run 'jq . package.json'",
    "nix develop -c cargo test",
    "nix run nixpkgs#hello",
    "corepack pnpm install",
    "corepack enable",
    "docker compose run --rm app npm test",
    "docker compose up -d",
    "docker compose exec db psql -U postgres",
    "docker-compose logs -f",
    "kubectl exec pod -- ls",
    "kubectl exec -it web-0 -c app -- sh -c 'cat /etc/hostname'",
    "kubectl get pods",
    "awk '{print $1}' f",
    "awk -F: '$3 > 1000 { print $1 | \"sort\" }' /etc/passwd",
    "awk '/a|b/ { n++ } END { print n / 2 }' f",
    "awk 'BEGIN { \"date\" | getline d; print d }'",
    "sed -n 1p f",
    "sed -i 's/exec/run/g' f",
    "sed -e '/^#/d' -e 's/e/E/' f",
    "sed '1i\\\nheader' f",
    "sed --sandbox 's/x/y/e' f",
    "git submodule foreach git pull",
    "git submodule update --init",
    "git -c alias.st=status st",
    "git -c color.ui=always log --oneline",
    "git -c core.pager=cat log -1",
    "git bisect start",
    "git rebase -i HEAD~3",
    "just build",
    "just --list",
    "just -n clean",
    "task build",
    "task",
    "task --list",
    "task lint",
    "make build",
    "npx concurrently 'npm:build' 'npm test'",
    "watchexec -e rs -- cargo test",
    "hyperfine 'sleep 0.1' 'ls'",
    "expect -c 'spawn ssh-keygen -f k; expect \"passphrase\"; send \"\\r\"; expect eof'",
    "at -l",
    "echo 'ls' | at now",
    "fish -c 'ls -la'",
    "pwsh -c 'Get-ChildItem'",
    "env --split-string='npm test'",
    "sudo -iu deploy ls",
    "python3 -c 'print(1)'",
    "python3 -c 'import boto3; print(boto3.__version__)'",
    "python3 -c \"import importlib.metadata as m; print(m.version('boto3'))\"",
    "python3 -c 'import subprocess; print(subprocess.run([\"git\",\"status\"]).returncode)'",
    "python3 -c \"import os; os.system('git status')\"",
    "node -e \"console.log(require('@aws-sdk/client-s3/package.json').version)\"",
    "node -e \"require('child_process').execSync('git status',{stdio:'inherit'})\"",
    "node -e \"require('child_process').spawnSync('git', ['status'], {stdio: 'inherit'})\"",
    "node -p \"require('./package.json').version\"",
    "node -e 'console.log(`${1 + 1}`)'",
    "python3 -m pytest -q",
    "python3 -m pip install -r requirements.txt",
    "python3 version.py",
    "python3 hello.py",
    "python3 - <<'EOF'\nprint('hello')\nEOF",
    "node <<'EOF'\nconsole.log(1)\nEOF",
    "echo 'print(1)' | python3",
    "python3 --version",
    "cat data.json | python3 -m json.tool",
    "tsx scripts/fmt.ts",
    "ruby -rjson -e 'puts JSON.generate({a: 1})'",
    "perl -pe 's/foo/bar/' f",
    "php -r 'echo PHP_VERSION;'",
    "lua -e 'print(1)'",
    "Rscript -e 'print(1)'",
    "node node_modules/vitest/vitest.mjs run",
    "node ./node_modules/.bin/tsc --noEmit",
];

#[test]
fn hidden_forms_get_the_plain_commands_decision() {
    let fixture = fixture();
    let mut failures = Vec::new();
    for (hidden, plain) in SAME_AS_PLAIN {
        let expected = fixture.decision(plain);
        assert!(
            expected.is_some(),
            "the plain command {plain:?} gets no decision"
        );
        let got = fixture.decision(hidden);
        if got != expected {
            failures.push(format!(
                "{hidden:?}: expected {expected:?} (as {plain:?}), got {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} wrong:\n{}",
        failures.len(),
        SAME_AS_PLAIN.len(),
        failures.join("\n")
    );
}

#[test]
fn programs_that_can_reach_aws_are_asked_about() {
    let fixture = fixture();
    let mut failures = Vec::new();
    for command in ASKED {
        let got = fixture.decision(command);
        if got != Some((Decision::Ask, "guard/unresolved")) {
            failures.push(format!("{command:?}: got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} wrong:\n{}",
        failures.len(),
        ASKED.len(),
        failures.join("\n")
    );
}

#[test]
fn benign_look_alikes_get_no_decision() {
    fixture().assert_untouched(BENIGN.iter().copied());
}
