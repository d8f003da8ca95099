//! The guard's in-memory project, shared by the guard's corpus tests and the binary's comparison
//! with Claude Code's prefix rules: two accounts, an AWS config, package.json scripts, a
//! Makefile, a samconfig.toml, a synthesized cdk.out and one recorded diff.

use std::collections::BTreeMap;
use std::path::Path;

use stackwarden_core::config::Config;
use stackwarden_guard::{
    AwsConfig, Context, Decision, DiffHistory, DiffKey, Judgement, MemoryFiles,
};

pub const CONFIG: &str = r#"
[accounts]
dev = "123456789012"
prod = "123456789013"
[stages]
production = ["prod"]
[guard]
deny = ["terraform apply", "aws ssm put-*"]
ask = ["kubectl delete"]
"#;

pub const AWS_CONFIG: &str = "
[default]
region = eu-west-2
[profile dev]
sso_account_id = 123456789012
[profile ops]
role_arn = arn:aws:iam::123456789013:role/Deployer
source_profile = base
[profile base]
region = eu-west-2
[profile sandbox]
sso_account_id = 123456789012
";

pub const PACKAGE_JSON: &str = r#"{
  "name": "orders",
  "scripts": {
    "test": "vitest run",
    "build": "tsc -p .",
    "synth": "cdk synth",
    "diff": "cdk diff dev-orders --profile dev",
    "deploy:prod": "cdk deploy prod-orders --require-approval broadening",
    "deploy:dev": "cdk deploy dev-orders --profile dev --require-approval broadening",
    "nuke": "npm run destroy-all",
    "destroy-all": "npx aws-cdk destroy --all --force",
    "predeploy": "npm run build",
    "deploy": "echo deploying",
    "postdeploy": "aws s3 rb s3://orders-artifacts --force",
    "cdk": "cdk",
    "lint": "eslint ."
  }
}"#;

pub const MAKEFILE: &str = "STAGE ?= dev\n\nbuild:\n\tnpm run build\n\ndeploy-prod: build\n\t@npx cdk deploy --profile ops --require-approval broadening\n\nclean:\n\trm -rf cdk.out\n\nteardown:\n\t-aws cloudformation delete-stack --stack-name $(STAGE)-orders\n\n.PHONY: build deploy-prod clean teardown\n";

pub const SAMCONFIG: &str = "version = 0.1\n[default.deploy.parameters]\nstack_name = \"dev-orders\"\nprofile = \"dev\"\n[live.deploy.parameters]\nstack_name = \"orders-live\"\nprofile = \"ops\"\n";

pub const MANIFEST: &str = r#"{"version":"36.0.0","artifacts":{
  "dev-orders":{"type":"aws:cloudformation:stack","environment":"aws://123456789012/eu-west-2"},
  "orders-live":{"type":"aws:cloudformation:stack","environment":"aws://123456789013/eu-west-2"},
  "Tree":{"type":"cdk:tree"}}}"#;

pub const PNPM_WORKSPACE: &str =
    "packages:\n  - 'packages/infra'\n  - \"packages/api\"\n  - apps/*\n";

pub const NX_PROJECT: &str = r#"{
  "name": "infra",
  "targets": {
    "release": {"executor": "nx:run-commands", "options": {"commands": ["npm run build", {"command": "cdk deploy prod-orders --require-approval broadening"}]}},
    "nuke": {"executor": "nx:run-commands", "options": {"command": "aws s3 rb s3://orders-artifacts --force"}},
    "lint": {"executor": "nx:run-commands", "options": {"command": "eslint ."}}
  }
}"#;

/// The `cdk diff`s recorded before the command, as the ledger would hold them.
pub struct Recorded(pub Vec<DiffKey>);

impl DiffHistory for Recorded {
    fn has_covering_diff(&self, deploy: &DiffKey) -> Result<bool, String> {
        Ok(self.0.iter().any(|d| d.covers(deploy)))
    }
}

/// The project a command is judged in: its configuration, files, recorded diffs and the
/// environment the command starts with.
pub struct Fixture {
    pub config: Config,
    pub files: MemoryFiles,
    pub diffs: Recorded,
    pub env: BTreeMap<String, String>,
}

impl Fixture {
    #[allow(clippy::new_without_default)] // `Fixture::new()` is a fixed project, not an empty one.
    pub fn new() -> Self {
        let files = MemoryFiles::default()
            .with("/proj/package.json", PACKAGE_JSON)
            .with("/proj/Makefile", MAKEFILE)
            .with("/proj/samconfig.toml", SAMCONFIG)
            .with("/proj/cdk.out/manifest.json", MANIFEST)
            .with("/proj/scripts/release.sh", "#!/bin/sh\nset -e\nnpm run build\ncdk deploy --all --require-approval broadening\n")
            .with("/proj/scripts/check.sh", "#!/bin/sh\nnpm test\ncdk synth\n")
            .with("/proj/scripts/nuke.sh", "#!/bin/sh\naws s3 rb s3://orders-artifacts --force\n")
            .with("/proj/packages/infra/package.json", r#"{"name":"@orders/infra","scripts":{"teardown":"cdk destroy --all --force","check":"tsc --noEmit"}}"#)
            // Monorepo runners (turbo, nx, lerna): the workspace list, one more package with a
            // deploy script, an nx project.json, and a folder whose selected Terraform
            // workspace is prod.
            .with("/proj/pnpm-workspace.yaml", PNPM_WORKSPACE)
            .with("/proj/turbo.json", r#"{"tasks":{"build":{},"deploy":{"dependsOn":["build"]},"teardown":{}}}"#)
            .with("/proj/packages/api/package.json", r#"{"name":"@orders/api","scripts":{"deploy":"cdk deploy prod-orders --require-approval broadening","build":"tsc -p .","test":"vitest run"}}"#)
            .with("/proj/packages/infra/project.json", NX_PROJECT)
            .with("/proj/live/.terraform/environment", "prod\n")
            .with("/proj/scripts/run.sh", "#!/bin/sh\nset -e\n\"$@\"\n");
        let diffs = Recorded(vec![DiffKey {
            stacks: vec!["dev-orders".into()],
            profile: Some("dev".into()),
            context: vec![],
        }]);
        Self {
            config: Config::parse(Path::new("/proj/stackwarden.toml"), CONFIG).unwrap(),
            files,
            diffs,
            env: BTreeMap::new(),
        }
    }

    fn context(&self) -> Context<'_> {
        Context {
            config: &self.config,
            env: self.env.clone(),
            cwd: "/proj".into(),
            aws_config: AwsConfig::parse(AWS_CONFIG),
            files: &self.files,
            diffs: &self.diffs,
        }
    }

    /// The fixture with one more project file.
    pub fn with_file(mut self, path: &str, text: &str) -> Self {
        self.files = self.files.with(path, text);
        self
    }

    pub fn judge(&self, command: &str) -> Judgement {
        stackwarden_guard::judge(command, &self.context())
    }

    /// The strictest decision and its rule (`None`: no objection).
    pub fn decision(&self, command: &str) -> Option<(Decision, &'static str)> {
        self.judge(command)
            .strictest()
            .map(|v| (v.decision, v.rule))
    }

    /// Asserts that none of `commands` gets a decision, listing every one that does.
    pub fn assert_untouched<'c>(&self, commands: impl IntoIterator<Item = &'c str>) {
        let mut failures = Vec::new();
        let mut total = 0;
        for command in commands {
            total += 1;
            if let Some(v) = self.judge(command).strictest() {
                failures.push(format!(
                    "{command:?}: {} {} — {}",
                    v.decision.as_str(),
                    v.rule,
                    v.reason
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {total} touched:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// The stacks of each `cdk diff` the command line would have recorded had it succeeded.
    pub fn recorded_diffs(&self, command: &str) -> Vec<Vec<String>> {
        stackwarden_guard::analyse(command, &self.context())
            .diffs
            .into_iter()
            .map(|key| key.stacks)
            .collect()
    }
}

/// The lines of a corpus data file that hold an entry (not blank, not a `#` comment).
pub fn data_lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Undoes the shell-form data files' escapes (`\n`, `\t`, `\\`).
pub fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
