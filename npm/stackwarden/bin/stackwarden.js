#!/usr/bin/env node
// The `stackwarden` command of the npm package: finds the native binary that npm installed as
// one of the optional per-platform packages and runs it with the same arguments, stdio and exit
// status. There is no postinstall script (npm 12 blocks dependency lifecycle scripts by
// default), so this shim is the only thing that knows where the binary is. Each call through it
// costs a Node start-up; Claude Code hooks therefore exec the native binary directly (what
// `stackwarden init` writes), never this file.
"use strict";

const { spawnSync } = require("node:child_process");
const path = require("node:path");

// `process.report` tells glibc from musl without spawning `ldd`: only glibc builds of Node
// carry glibcVersionRuntime.
function libc() {
  if (process.platform !== "linux") return "";
  try {
    const header = process.report.getReport().header;
    return header.glibcVersionRuntime ? "" : "-musl";
  } catch {
    return "";
  }
}

function platformPackage() {
  return `@stackwarden/cli-${process.platform}-${process.arch}${libc()}`;
}

function resolveBinary() {
  const override = process.env.STACKWARDEN_BINARY;
  if (override) return { binary: override, source: "STACKWARDEN_BINARY" };
  const pkg = platformPackage();
  const exe = process.platform === "win32" ? "stackwarden.exe" : "stackwarden";
  try {
    const manifest = require.resolve(`${pkg}/package.json`);
    return { binary: path.join(path.dirname(manifest), "bin", exe), source: pkg };
  } catch {
    process.stderr.write(
      `stackwarden: the native binary for this platform (${process.platform} ${process.arch}` +
        `${libc() ? " musl" : ""}) is not installed: npm did not install the optional ` +
        `dependency ${pkg}.\n` +
        `  fix: reinstall without --omit=optional / --no-optional (\`npm i -D stackwarden\`), ` +
        `or set STACKWARDEN_BINARY to the path of a stackwarden binary.\n` +
        `  supported: linux x64/arm64 (glibc and musl), darwin x64/arm64, win32 x64.\n`,
    );
    process.exit(2);
  }
}

const { binary, source } = resolveBinary();
const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  process.stderr.write(
    `stackwarden: cannot run ${binary} (from ${source}): ${result.error.message}\n` +
      `  fix: reinstall the package (\`npm i -D stackwarden\`) or point STACKWARDEN_BINARY at a ` +
      `working binary.\n`,
  );
  process.exit(2);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status ?? 2);
