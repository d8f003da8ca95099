#!/usr/bin/env node
// Writes the npm packages' folders into OUT_DIR from one version, the workspace version in
// Cargo.toml: the main `stackwarden` package (the Node shim in npm/stackwarden) and one
// `@stackwarden/cli-<platform>` package per platform, whose `os`/`cpu`/`libc` fields make npm
// install only the one that fits. With `--binary PATH --platform KEY` the binary is copied into
// that platform's package (CI builds linux-x64 only; the others are written without a binary
// and are not packed).
//
//   node scripts/npm-packages.mjs OUT_DIR [--binary PATH --platform linux-x64]
import { copyFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export const PLATFORMS = [
  { key: "linux-x64", os: "linux", cpu: "x64", libc: "glibc", rust: "x86_64-unknown-linux-gnu" },
  { key: "linux-arm64", os: "linux", cpu: "arm64", libc: "glibc", rust: "aarch64-unknown-linux-gnu" },
  { key: "linux-x64-musl", os: "linux", cpu: "x64", libc: "musl", rust: "x86_64-unknown-linux-musl" },
  { key: "linux-arm64-musl", os: "linux", cpu: "arm64", libc: "musl", rust: "aarch64-unknown-linux-musl" },
  { key: "darwin-x64", os: "darwin", cpu: "x64", rust: "x86_64-apple-darwin" },
  { key: "darwin-arm64", os: "darwin", cpu: "arm64", rust: "aarch64-apple-darwin" },
  { key: "win32-x64", os: "win32", cpu: "x64", rust: "x86_64-pc-windows-msvc" },
];

/** `version = "…"` of [workspace.package] in Cargo.toml: the one version every package gets. */
export function workspaceVersion() {
  const toml = readFileSync(join(root, "Cargo.toml"), "utf8");
  const section = toml.split(/^\[workspace\.package\]\s*$/m)[1] ?? "";
  const match = section.split(/^\[/m)[0].match(/^version\s*=\s*"([^"]+)"/m);
  if (!match) throw new Error("Cargo.toml: no version in [workspace.package]");
  return match[1];
}

const common = (version) => ({
  version,
  license: "MIT",
});

export function mainManifest(version) {
  return {
    name: "stackwarden",
    ...common(version),
    description: "Linter and Claude Code guard for AWS CDK, SAM and CloudFormation projects",
    keywords: ["aws", "cdk", "cloudformation", "lint", "claude-code", "iam"],
    bin: { stackwarden: "bin/stackwarden.js" },
    files: ["bin/stackwarden.js", "README.md"],
    engines: { node: ">=18" },
    optionalDependencies: Object.fromEntries(
      PLATFORMS.map((p) => [`@stackwarden/cli-${p.key}`, version]),
    ),
  };
}

export function platformManifest(version, p) {
  return {
    name: `@stackwarden/cli-${p.key}`,
    ...common(version),
    description: `The stackwarden binary for ${p.os} ${p.cpu}${p.libc ? ` (${p.libc})` : ""}`,
    os: [p.os],
    cpu: [p.cpu],
    ...(p.libc ? { libc: [p.libc] } : {}),
    files: ["bin/"],
    preferUnplugged: true,
  };
}

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function main(argv) {
  const out = argv[0];
  if (!out || out.startsWith("--")) {
    process.stderr.write("usage: node scripts/npm-packages.mjs OUT_DIR [--binary PATH --platform KEY]\n");
    process.exit(2);
  }
  const flag = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const binary = flag("--binary");
  const platform = flag("--platform");
  if (Boolean(binary) !== Boolean(platform)) {
    process.stderr.write("--binary and --platform go together\n");
    process.exit(2);
  }
  if (platform && !PLATFORMS.some((p) => p.key === platform)) {
    process.stderr.write(`--platform ${platform}: not one of ${PLATFORMS.map((p) => p.key).join(", ")}\n`);
    process.exit(2);
  }
  const version = workspaceVersion();
  const main = join(out, "stackwarden");
  write(join(main, "package.json"), JSON.stringify(mainManifest(version), null, 2) + "\n");
  mkdirSync(join(main, "bin"), { recursive: true });
  copyFileSync(join(root, "npm/stackwarden/bin/stackwarden.js"), join(main, "bin/stackwarden.js"));
  chmodSync(join(main, "bin/stackwarden.js"), 0o755);
  copyFileSync(join(root, "npm/stackwarden/README.md"), join(main, "README.md"));
  for (const p of PLATFORMS) {
    const dir = join(out, `cli-${p.key}`);
    write(join(dir, "package.json"), JSON.stringify(platformManifest(version, p), null, 2) + "\n");
    write(
      join(dir, "README.md"),
      `# @stackwarden/cli-${p.key}\n\nThe native stackwarden binary for ${p.os} ${p.cpu}` +
        `${p.libc ? ` (${p.libc})` : ""}. Install \`stackwarden\`, not this package: npm picks it.\n`,
    );
    if (p.key === platform) {
      const exe = p.os === "win32" ? "stackwarden.exe" : "stackwarden";
      mkdirSync(join(dir, "bin"), { recursive: true });
      copyFileSync(binary, join(dir, "bin", exe));
      chmodSync(join(dir, "bin", exe), 0o755);
    }
  }
  process.stdout.write(`npm packages ${version} written to ${out}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2));
}
