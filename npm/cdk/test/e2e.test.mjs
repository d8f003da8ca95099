// End to end: a CDK app synthesized with the plugin, against real aws-cdk-lib. Run from a project
// where `@stackwarden/cdk`, `stackwarden` (with its platform package), aws-cdk-lib and constructs
// are installed (scripts/test-packages.sh installs them from the local tarballs):
//   node --test e2e.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(join(process.cwd(), "package.json"));
const cdk = require("aws-cdk-lib");
const { StackwardenValidation, acknowledge, expectNoViolations } = require("@stackwarden/cdk");

const TAGS = { Project: "orders", Stage: "dev", Owner: "team-orders", CostCenter: "cc-42" };

/** CDK's report: `validation-report.json` (older releases: `policy-validation-report.json`). */
function report(outdir) {
  const name = ["validation-report.json", "policy-validation-report.json"].find((n) => existsSync(join(outdir, n)));
  assert.ok(name, `no validation report in ${outdir}`);
  return JSON.parse(readFileSync(join(outdir, name), "utf8"));
}

function app(outdir) {
  const a = new cdk.App({ outdir, analyticsReporting: false });
  cdk.Validations.of(a).addPlugins(new StackwardenValidation());
  return a;
}

function tagged(stack) {
  for (const [k, v] of Object.entries(TAGS)) cdk.Tags.of(stack).add(k, v);
  return stack;
}

/** A dev stack whose bucket is encrypted, versioned, private and named by the defaults. */
function compliant(scope) {
  const stack = tagged(new cdk.Stack(scope, "dev-orders", { env: { account: "111111111111", region: "eu-west-2" } }));
  new cdk.aws_s3.Bucket(stack, "Data", {
    bucketName: `${cdk.Aws.ACCOUNT_ID}-dev-orders-data`,
    encryption: cdk.aws_s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    enforceSSL: true,
    blockPublicAccess: cdk.aws_s3.BlockPublicAccess.BLOCK_ALL,
    removalPolicy: cdk.RemovalPolicy.DESTROY,
  });
  return stack;
}

/** A table without point-in-time recovery: `cfn/dynamodb-pitr`, an error. */
function withoutPitr(scope) {
  const stack = tagged(new cdk.Stack(scope, "dev-reports", { env: { account: "111111111111", region: "eu-west-2" } }));
  const table = new cdk.aws_dynamodb.Table(stack, "Runs", {
    partitionKey: { name: "id", type: cdk.aws_dynamodb.AttributeType.STRING },
    billingMode: cdk.aws_dynamodb.BillingMode.PAY_PER_REQUEST,
    removalPolicy: cdk.RemovalPolicy.DESTROY,
  });
  return { stack, table };
}

test("synth passes on the compliant stack", () => {
  const a = app(mkdtempSync(join(tmpdir(), "sw-cdk-")));
  compliant(a);
  a.synth();
  expectNoViolations(a);
});

test("synth fails on an error finding, naming the rule, resource, template and fix", () => {
  const outdir = mkdtempSync(join(tmpdir(), "sw-cdk-"));
  const a = app(outdir);
  withoutPitr(a);
  assert.throws(
    () => a.synth(),
    (err) => {
      assert.match(err.message, /Validation failed|stackwarden/);
      return true;
    },
  );
  const plugin = report(outdir).pluginReports.find((r) => r.pluginName === "stackwarden");
  assert.equal(plugin.conclusion, "failure");
  const violation = plugin.violations.find((v) => v.ruleName === "cfn/dynamodb-pitr");
  assert.ok(violation, JSON.stringify(plugin.violations.map((v) => v.ruleName)));
  assert.equal(violation.severity, "error");
  assert.match(violation.suggestedFix, /PointInTimeRecovery/);
  const resource = violation.violatingConstructs[0].cloudFormationResource;
  assert.match(resource.logicalId, /^Runs/);
  assert.match(resource.templatePath, /dev-reports\.template\.json$/);
  assert.throws(() => {
    const b = new cdk.App({ outdir: mkdtempSync(join(tmpdir(), "sw-cdk-")), analyticsReporting: false });
    withoutPitr(b);
    expectNoViolations(b);
  }, /cfn\/dynamodb-pitr/);
});

test("an acknowledgement lets synth pass and writes the suppression stackwarden check honours", () => {
  const outdir = mkdtempSync(join(tmpdir(), "sw-cdk-"));
  const a = app(outdir);
  const { table } = withoutPitr(a);
  acknowledge(table, "cfn/dynamodb-pitr", "a cache rebuilt from the orders table");
  a.synth();
  const template = JSON.parse(readFileSync(join(outdir, "dev-reports.template.json"), "utf8"));
  const [logicalId, resource] = Object.entries(template.Resources).find(([, r]) => r.Type === "AWS::DynamoDB::Table");
  assert.deepEqual(resource.Metadata.stackwarden.ignore, [
    { rule: "cfn/dynamodb-pitr", reason: "a cache rebuilt from the orders table" },
  ], logicalId);
  const plugin = report(outdir).pluginReports.find((r) => r.pluginName === "stackwarden");
  assert.ok(!plugin || plugin.conclusion === "success", JSON.stringify(plugin));
  // stackwarden itself, run on the same template as CI would, agrees.
  expectNoViolations(a);
});
