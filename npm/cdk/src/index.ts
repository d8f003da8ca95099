// stackwarden as a CDK policy validation plugin.
//
//   Validations.of(app).addPlugins(new StackwardenValidation());
//
// During synthesis CDK hands the plugin the templates it just wrote; the plugin runs the
// stackwarden binary's `check --format json` on them and turns each finding into a violation
// (rule `stackwarden::<rule id>`, severity, the resource's logical id and template path, the fix).
// An error finding fails synthesis; warnings and infos are reported and do not.
//
// Acknowledgements and stackwarden's own suppressions agree: `acknowledge(scope, rule, reason)`
// records both a CDK acknowledgement (`stackwarden::<rule>`) and the `Metadata.stackwarden.ignore`
// entry `stackwarden check` honours, so CI's `stackwarden check cdk.out` and the CDK report say
// the same thing. A finding suppressed in the template never reaches CDK at all.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import type { App, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stage } from "aws-cdk-lib";
import { CfnResource, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/** The plugin name, which is also the namespace of its rule ids in CDK (`stackwarden::cfn/s3-encryption`). */
export const PLUGIN_NAME = "stackwarden";
const VERSION: string = (() => {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).version;
  } catch {
    return "0.0.0";
  }
})();

export interface StackwardenValidationProps {
  /** The stackwarden binary. Default: `$STACKWARDEN_BINARY`, else the one the `stackwarden` npm package installed, else `stackwarden` on PATH. */
  readonly binary?: string;
  /** A stackwarden.toml to use instead of the one found by walking up from cdk.out. */
  readonly config?: string;
  /** The stage every template is judged as (`--stage`); default: from the stack name or cdk.json context. */
  readonly stage?: string;
  /** Only these rules or domains (`--select`). */
  readonly select?: string[];
  /** Not these rules or domains (`--ignore`). */
  readonly ignore?: string[];
}

/** One finding of `stackwarden check --format json` (its versioned shape, version 1). */
interface Finding {
  rule: string;
  severity: "error" | "warn" | "info";
  message: string;
  path: string;
  line?: number;
  column?: number;
  resource?: string;
  stack?: string;
  source?: { path: string; line: number; column: number } | string;
  help?: string;
}

interface CheckOutput {
  version: number;
  findings: Finding[];
  errors?: { path?: string; message: string }[];
}

/** The platform package the `stackwarden` npm package installs for this machine. */
function platformPackage(): string {
  let musl = "";
  if (process.platform === "linux") {
    try {
      const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
      musl = header?.glibcVersionRuntime ? "" : "-musl";
    } catch {
      musl = "";
    }
  }
  return `@stackwarden/cli-${process.platform}-${process.arch}${musl}`;
}

/** The native stackwarden binary: the explicit one, `$STACKWARDEN_BINARY`, the npm platform package, or PATH. */
export function resolveBinary(explicit?: string): string {
  if (explicit) return explicit;
  if (process.env.STACKWARDEN_BINARY) return process.env.STACKWARDEN_BINARY;
  const exe = process.platform === "win32" ? "stackwarden.exe" : "stackwarden";
  const searchFrom: string[] = [process.cwd(), __dirname];
  try {
    // The platform package is a dependency of `stackwarden`, so look beside that package too.
    searchFrom.unshift(path.dirname(require.resolve("stackwarden/package.json", { paths: searchFrom })));
  } catch {
    // not installed through npm: PATH below
  }
  try {
    const manifest = require.resolve(`${platformPackage()}/package.json`, { paths: searchFrom });
    return path.join(path.dirname(manifest), "bin", exe);
  } catch {
    return exe;
  }
}

function severity(s: Finding["severity"]): string {
  return s === "warn" ? "warning" : s;
}

/** Runs `stackwarden check --format json` on `paths`; throws with the binary's own message when it cannot check. */
export function runCheck(paths: string[], props: StackwardenValidationProps = {}): Finding[] {
  const binary = resolveBinary(props.binary);
  const args = ["check", "--format", "json", "--quiet"];
  if (props.config) args.push("--config", props.config);
  if (props.stage) args.push("--stage", props.stage);
  if (props.select?.length) args.push("--select", props.select.join(","));
  if (props.ignore?.length) args.push("--ignore", props.ignore.join(","));
  args.push(...paths);
  const env = { ...process.env };
  // Inside Claude Code the default format changes; this plugin always reads JSON.
  delete env.CLAUDECODE;
  const run = spawnSync(binary, args, { encoding: "utf8", env, maxBuffer: 256 * 1024 * 1024 });
  if (run.error) {
    throw new Error(
      `cannot run ${binary}: ${run.error.message}; install it with \`npm i -D stackwarden\` or set STACKWARDEN_BINARY (or the \`binary\` option) to a stackwarden binary`,
    );
  }
  let output: CheckOutput;
  try {
    output = JSON.parse(run.stdout) as CheckOutput;
  } catch {
    throw new Error(`${binary} ${args.join(" ")} exited ${run.status} without a JSON report: ${run.stderr.trim()}`);
  }
  if (run.status === 2 || (output.errors && output.errors.length > 0)) {
    const errors = (output.errors ?? []).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
    throw new Error(`stackwarden could not check every template: ${errors.join("; ") || run.stderr.trim()}`);
  }
  return output.findings;
}

function sourceOf(f: Finding): string | undefined {
  if (!f.source) return undefined;
  return typeof f.source === "string" ? f.source : `${f.source.path}:${f.source.line}:${f.source.column}`;
}

/** Findings as CDK violations, one per finding. */
export function toViolations(findings: Finding[]): PolicyViolation[] {
  return findings.map((f) => {
    const ruleMetadata: Record<string, string> = { location: `${f.path}:${f.line ?? 1}:${f.column ?? 1}` };
    const source = sourceOf(f);
    if (source) ruleMetadata.source = source;
    return {
      ruleName: f.rule,
      description: f.message,
      fix: f.help,
      severity: severity(f.severity),
      ruleMetadata,
      violatingResources: [
        {
          resourceLogicalId: f.resource,
          templatePath: path.resolve(f.path),
          locations: [],
        },
      ],
    };
  });
}

/**
 * The stackwarden validation plugin: `Validations.of(app).addPlugins(new StackwardenValidation())`.
 * Synthesis fails when a template has an error-severity finding that is neither suppressed in the
 * template nor acknowledged in CDK.
 */
export class StackwardenValidation implements IPolicyValidationPlugin {
  public readonly name = PLUGIN_NAME;
  public readonly version = VERSION;
  private readonly props: StackwardenValidationProps;

  constructor(props: StackwardenValidationProps = {}) {
    this.props = props;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    if (context.templatePaths.length === 0) {
      return { success: true, violations: [] };
    }
    const violations = toViolations(runCheck(context.templatePaths, this.props));
    return {
      success: !violations.some((v) => v.severity === "error"),
      violations,
      pluginVersion: VERSION,
    };
  }
}

/**
 * Acknowledges a stackwarden rule on `scope` for CDK and for `stackwarden check` alike: a CDK
 * acknowledgement `stackwarden::<rule>` and a `stackwarden.ignore` entry (with the reason) in the
 * metadata of the construct's own CloudFormation resource (`node.defaultChild`), or of every one
 * under `scope` when it has none. Put it on the construct that has the finding: a resource
 * without it gets `meta/unused-suppression` (a warning).
 */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  if (!reason.trim()) {
    throw new Error(`acknowledge(${scope.node.path}, ${rule}): give a reason; stackwarden ignores a suppression without one`);
  }
  Validations.of(scope).acknowledge({ id: `${PLUGIN_NAME}::${rule}`, reason });
  // An L2 construct's own resource (a Bucket's CfnBucket, not its BucketPolicy): a suppression on
  // a resource that has no such finding is itself reported (meta/unused-suppression).
  const own = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  const targets = own && CfnResource.isCfnResource(own) ? [own] : scope.node.findAll().filter((c) => CfnResource.isCfnResource(c));
  for (const child of targets as CfnResource[]) {
    const existing = child.getMetadata(PLUGIN_NAME) as { ignore?: { rule: string; reason: string }[] } | undefined;
    const ignore = [...(existing?.ignore ?? []).filter((e) => e.rule !== rule), { rule, reason }];
    child.addMetadata(PLUGIN_NAME, { ...(existing ?? {}), ignore });
  }
}

/**
 * For jest/vitest: synthesizes `app` (or a Stage) and throws an Error listing every error finding
 * stackwarden reports on its templates. `expectNoViolations(app)` passes when there is none;
 * `{ severity: "warning" }` also fails on warnings.
 */
export function expectNoViolations(
  app: App | Stage,
  options: StackwardenValidationProps & { severity?: "error" | "warning" } = {},
): void {
  const assembly = app.synth();
  const templates = assembly.stacksRecursively.map((s) => s.templateFullPath);
  if (templates.length === 0) return;
  const failing = new Set(options.severity === "warning" ? ["error", "warn"] : ["error"]);
  const findings = runCheck(templates, options).filter((f) => failing.has(f.severity));
  if (findings.length > 0) {
    const lines = findings.map(
      (f) => `  ${f.path}:${f.line ?? 1}: ${f.rule}: ${f.message}${f.resource ? ` (${f.resource})` : ""}${f.help ? `\n    fix: ${f.help}` : ""}`,
    );
    throw new Error(`stackwarden found ${findings.length} violation(s):\n${lines.join("\n")}`);
  }
}
