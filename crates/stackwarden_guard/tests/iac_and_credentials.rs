//! The red team's sections K (IaC deploy/delete coverage), L (credentials printed into the
//! transcript) and M (self-protection), each as a class: the reported rows, close variants, and
//! benign look-alikes that must stay untouched.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::Fixture;
use stackwarden_core::config::Config;
use stackwarden_guard::Decision;

/// The shared fixture without its `[guard] deny = ["terraform apply"]` pattern, so the
/// Terraform rules themselves are what decides.
fn project() -> Fixture {
    let config = "[accounts]\ndev = \"123456789012\"\nprod = \"123456789013\"\n[stages]\nproduction = [\"prod\"]\n";
    let mut fixture = Fixture::new();
    fixture.config = Config::parse(Path::new("/proj/stackwarden.toml"), config).unwrap();
    fixture
}

fn expect(fixture: &Fixture, cases: &[(&str, Decision, &str)]) {
    let mut wrong = Vec::new();
    for (command, decision, rule) in cases {
        let got = fixture.decision(command);
        if got != Some((*decision, *rule)) {
            wrong.push(format!(
                "{command:?}: got {got:?}, want {decision:?} {rule}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn untouched(fixture: &Fixture, commands: &[&str]) {
    let mut wrong = Vec::new();
    for command in commands {
        if let Some(v) = fixture.judge(command).strictest() {
            wrong.push(format!(
                "{command:?}: {:?} {} ({})",
                v.decision, v.rule, v.reason
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

const DESTRUCTIVE: &str = "guard/destructive";
const PROD_DEPLOY: &str = "guard/prod-deploy";

// ---------------------------------------------------------------- K: IaC tools

#[test]
fn terraform_plans_and_environment_arguments_are_judged_like_the_command_line() {
    use Decision::Deny;
    let fixture = project();
    expect(
        &fixture,
        &[
            // A plan saved by `plan -destroy` and applied later on the line.
            (
                "terraform plan -destroy -out=tf.plan && terraform apply tf.plan",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "terraform plan -destroy -out x && terraform apply x",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "terraform plan -out=x -destroy; terraform apply -auto-approve x",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "terraform plan -destroy -out=./plans/x && terraform apply plans/x",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "tofu plan -destroy -out x && tofu apply x",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "terraform -chdir=infra plan -destroy -out=p && terraform -chdir=infra apply p",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "TF_CLI_ARGS_plan=-destroy terraform plan -out=p && terraform apply p",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "terraform plan -replace=aws_db_instance.main -out=p && terraform apply p",
                Deny,
                DESTRUCTIVE,
            ),
            // A plan saved for production is a production deploy when applied.
            (
                "terraform plan -var stage=prod -out=p && terraform apply p",
                Deny,
                PROD_DEPLOY,
            ),
            // TF_CLI_ARGS and TF_CLI_ARGS_<subcommand> are arguments.
            (
                "TF_CLI_ARGS_apply=-destroy terraform apply -auto-approve",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "TF_CLI_ARGS=-destroy terraform apply -auto-approve",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "export TF_CLI_ARGS='-destroy -input=false'; terraform apply",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "TF_CLI_ARGS_apply='-var=env=prod' terraform apply",
                Deny,
                PROD_DEPLOY,
            ),
            (
                "TF_CLI_ARGS_apply='-var stage=prod' terraform apply",
                Deny,
                PROD_DEPLOY,
            ),
            (
                "TF_CLI_ARGS='-var-file=prod.tfvars' terraform apply",
                Deny,
                PROD_DEPLOY,
            ),
            // TF_VAR_<name> is `-var name=…`.
            ("TF_VAR_env=prod terraform apply", Deny, PROD_DEPLOY),
            ("TF_VAR_stage=prod terraform apply", Deny, PROD_DEPLOY),
            (
                "export TF_VAR_account_id=123456789013; terraform apply -auto-approve",
                Deny,
                PROD_DEPLOY,
            ),
            ("env TF_VAR_stage=prod terragrunt apply", Deny, PROD_DEPLOY),
            // -replace destroys the resource and creates it again.
            (
                "terraform apply -replace=aws_db_instance.main -auto-approve",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "terraform apply -replace aws_s3_bucket.data",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "TF_CLI_ARGS_apply=-replace=aws_db_instance.main terraform apply",
                Deny,
                DESTRUCTIVE,
            ),
        ],
    );
    untouched(
        &fixture,
        &[
            "terraform plan -out x && terraform apply x",
            "terraform plan -destroy -out=x && terraform plan -out=x && terraform apply x",
            "terraform plan -destroy -out=destroy.plan && terraform show destroy.plan",
            "terraform plan -destroy",
            "TF_VAR_region=eu-west-1 terraform plan",
            "TF_VAR_region=eu-west-1 terraform apply",
            "TF_VAR_stage=prod terraform plan",
            "TF_CLI_ARGS_plan=-destroy terraform plan",
            "TF_CLI_ARGS='-input=false -no-color' terraform apply -auto-approve",
            "TF_CLI_ARGS_plan=-destroy terraform apply -auto-approve",
            "terraform plan -replace=aws_instance.web",
        ],
    );
}

#[test]
fn pulumi_changes_to_production_stacks_and_replacements() {
    use Decision::Deny;
    let fixture = project();
    expect(
        &fixture,
        &[
            ("pulumi refresh -s prod -y", Deny, PROD_DEPLOY),
            (
                "pulumi refresh --stack org/orders/prod --yes",
                Deny,
                PROD_DEPLOY,
            ),
            (
                "pulumi import aws:s3/bucket:Bucket b b -s prod -y",
                Deny,
                PROD_DEPLOY,
            ),
            (
                "pulumi stack select prod && pulumi import aws:s3/bucket:Bucket b b --yes",
                Deny,
                PROD_DEPLOY,
            ),
            ("pulumi up -s prod --replace urn:x -y", Deny, PROD_DEPLOY),
            (
                "pulumi up --target-dependents -s dev --replace urn:x",
                Deny,
                DESTRUCTIVE,
            ),
            (
                "pulumi up -s dev --target-replace urn:x -y",
                Deny,
                DESTRUCTIVE,
            ),
        ],
    );
    untouched(
        &fixture,
        &[
            "pulumi refresh -s dev -y",
            "pulumi import aws:s3/bucket:Bucket b b -s dev -y",
            "pulumi preview -s dev --replace urn:x",
            "pulumi up -s dev -y",
        ],
    );
}

#[test]
fn cdk_bootstrap_import_and_gc() {
    use Decision::{Ask, Deny};
    let fixture = project();
    expect(
        &fixture,
        &[
            ("cdk bootstrap aws://123456789013/us-east-1", Deny, PROD_DEPLOY),
            ("cdk bootstrap --profile prod", Deny, PROD_DEPLOY),
            ("cdk bootstrap --profile ops", Deny, PROD_DEPLOY),
            ("AWS_PROFILE=ops npx cdk bootstrap", Deny, PROD_DEPLOY),
            ("cdk bootstrap aws://123456789012/eu-west-2 aws://123456789013/eu-west-2 --profile dev", Deny, PROD_DEPLOY),
            ("cdk import MyStack --profile prod", Deny, PROD_DEPLOY),
            ("cdk import prod-orders --profile dev", Deny, PROD_DEPLOY),
            ("cdk import dev-api", Ask, PROD_DEPLOY),
            ("cdk gc --unstable=gc --profile dev", Deny, DESTRUCTIVE),
            ("cdk gc aws://123456789012/eu-west-2 --unstable=gc --action=full", Deny, DESTRUCTIVE),
            ("npx cdk gc --unstable=gc --action delete-tagged", Deny, DESTRUCTIVE),
        ],
    );
    untouched(
        &fixture,
        &[
            "cdk bootstrap --profile dev",
            "cdk bootstrap aws://123456789012/eu-west-2",
            "cdk bootstrap aws://123456789012/eu-west-2 --trust 123456789013 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess --profile dev",
            "cdk import dev-orders --profile dev",
            "cdk gc --unstable=gc --action=print --profile dev",
            "cdk gc --unstable=gc --action tag",
        ],
    );
}

#[test]
fn serverless_copilot_amplify_and_eksctl() {
    use Decision::Deny;
    let fixture = project().with_file(
        "/proj/amp/amplify/.config/local-env-info.json",
        r#"{"projectPath":"/proj/amp","defaultEditor":"code","envName":"prod"}"#,
    );
    expect(
        &fixture,
        &[
            ("sls deploy --stage prod", Deny, PROD_DEPLOY),
            ("serverless deploy --stage prod", Deny, PROD_DEPLOY),
            ("sls deploy -s prod", Deny, PROD_DEPLOY),
            (
                "npx serverless deploy --stage=prod --region eu-west-1",
                Deny,
                PROD_DEPLOY,
            ),
            ("sls deploy function -f api --stage prod", Deny, PROD_DEPLOY),
            ("sls deploy --aws-profile prod", Deny, PROD_DEPLOY),
            ("AWS_PROFILE=ops sls deploy", Deny, PROD_DEPLOY),
            ("sls rollback --stage prod -t 1700000000", Deny, PROD_DEPLOY),
            ("sls remove --stage dev", Deny, DESTRUCTIVE),
            ("copilot deploy --env prod", Deny, PROD_DEPLOY),
            ("copilot svc deploy --env prod", Deny, PROD_DEPLOY),
            ("copilot svc deploy -e prod -n api", Deny, PROD_DEPLOY),
            (
                "copilot job deploy --name report --env=prod",
                Deny,
                PROD_DEPLOY,
            ),
            ("copilot env deploy --name prod", Deny, PROD_DEPLOY),
            ("copilot app delete --yes", Deny, DESTRUCTIVE),
            (
                "copilot svc delete --name api --env dev --yes",
                Deny,
                DESTRUCTIVE,
            ),
            ("copilot env delete --name test", Deny, DESTRUCTIVE),
            ("amplify delete --force", Deny, DESTRUCTIVE),
            ("amplify env remove test", Deny, DESTRUCTIVE),
            (
                "amplify env checkout prod && amplify push --yes",
                Deny,
                PROD_DEPLOY,
            ),
            (
                "amplify env checkout prod; amplify publish -y",
                Deny,
                PROD_DEPLOY,
            ),
            ("cd amp && amplify push --yes", Deny, PROD_DEPLOY),
            ("eksctl delete cluster --name c", Deny, DESTRUCTIVE),
            (
                "eksctl delete nodegroup --cluster c --name ng",
                Deny,
                DESTRUCTIVE,
            ),
            ("eksctl delete cluster -f cluster.yaml", Deny, DESTRUCTIVE),
            ("eksctl create cluster --name prod-eks", Deny, PROD_DEPLOY),
            (
                "eksctl upgrade cluster --name prod-eks --approve",
                Deny,
                PROD_DEPLOY,
            ),
            (
                "eksctl create nodegroup --cluster prod-eks --name ng2",
                Deny,
                PROD_DEPLOY,
            ),
            (
                "eksctl create cluster -f clusters/prod.yaml",
                Deny,
                PROD_DEPLOY,
            ),
            (
                "eksctl create cluster --name dev-eks --profile prod",
                Deny,
                PROD_DEPLOY,
            ),
        ],
    );
    untouched(
        &fixture,
        &[
            "sls deploy --stage dev",
            "sls deploy list --stage prod",
            "sls package --stage prod",
            "sls invoke local -f api",
            "serverless info --stage prod",
            "copilot deploy --env test",
            "copilot svc ls",
            "copilot svc logs --env prod",
            "amplify env checkout dev && amplify push --yes",
            "amplify status",
            "amplify push --yes",
            "eksctl get cluster --name prod-eks",
            "eksctl create cluster --name dev-eks --profile dev",
            "eksctl utils describe-stacks --cluster prod-eks",
        ],
    );
}
