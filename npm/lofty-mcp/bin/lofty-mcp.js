#!/usr/bin/env node
// The `lofty-mcp` command of the npm package: it runs the lofty-mcp binary that
// npm installed with the platform package for this computer
// (@lofty-mcp/<platform>-<arch>, an optional dependency), and gets out of the way:
//
// - arguments and environment are passed as they are; stdin, stdout and stderr
//   are inherited (the same file descriptors, nothing copied), so stdout carries
//   lofty-mcp's JSON-RPC only: this launcher never writes to stdout;
// - where Node.js has process.execve (22.15+, 23.11+; not on Windows) the
//   launcher becomes lofty-mcp: same process, so signals and the exit status are
//   lofty-mcp's own and no Node.js process stays in memory;
// - otherwise it runs lofty-mcp as a child: SIGINT, SIGTERM, SIGHUP, SIGQUIT and
//   SIGUSR2 sent to the launcher are sent on to lofty-mcp (on Windows the
//   console delivers Ctrl+C to both; the launcher stays alive to report how
//   lofty-mcp ended), and the launcher exits with lofty-mcp's exit code or, when
//   lofty-mcp was killed by a signal, kills itself with the same signal;
// - it downloads nothing, at install or at run time; the packages have no
//   install scripts.
//
// Its own errors go to stderr and exit 127 (no binary for this computer) or 126
// (the binary is there but cannot be started), never 1 or 2, which are
// lofty-mcp's own (a failed call, a usage error).
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const self = require("../package.json");
const platform = `${process.platform}-${process.arch}`;
const platformPackage = `@lofty-mcp/${platform}`;
const exe = process.platform === "win32" ? "lofty-mcp.exe" : "lofty-mcp";

// Written synchronously: process.stderr may be asynchronous (pipes on macOS),
// and the launcher exits or becomes lofty-mcp right after.
function say(text) {
  try {
    fs.writeSync(2, text);
  } catch {
    // stderr is closed: nothing to tell.
  }
}

function fail(code, lines) {
  say(lines.map((l) => `lofty-mcp (npm launcher): ${l}\n`).join(""));
  process.exit(code);
}

const otherWays =
  "Other ways to install lofty-mcp: a release archive (https://github.com/lofty-mcp/lofty-mcp/releases) " +
  "or `go install github.com/lofty-mcp/lofty-mcp@latest` (Go 1.26+).";

function findBinary() {
  const known = Object.keys(self.optionalDependencies || {});
  if (!known.includes(platformPackage)) {
    fail(127, [
      `no lofty-mcp binary is published on npm for ${process.platform}/${process.arch}; ` +
        `there are packages for ${known.map((n) => n.replace("@lofty-mcp/", "")).join(", ")}.`,
      otherWays,
    ]);
  }
  let manifest;
  try {
    manifest = require.resolve(`${platformPackage}/package.json`);
  } catch {
    fail(127, [
      `the package ${platformPackage}@${self.version}, which holds the lofty-mcp binary for ` +
        `${process.platform}/${process.arch}, is not installed.`,
      "npm leaves it out when optional dependencies are omitted (--omit=optional, --no-optional, " +
        "or a lockfile written on another platform without it).",
      `Fix: reinstall without omitting optional dependencies (npx -y lofty-mcp@${self.version}, or ` +
        `npm install lofty-mcp@${self.version}), or add it yourself: npm install ${platformPackage}@${self.version}`,
      otherWays,
    ]);
  }
  const dir = path.dirname(manifest);
  const version = require(manifest).version;
  if (version !== self.version) {
    say(
      `lofty-mcp (npm launcher): warning: ${platformPackage} is version ${version}, ` +
        `lofty-mcp is ${self.version}; running ${dir}/bin/${exe} anyway ` +
        `(reinstall lofty-mcp to get matching versions)\n`,
    );
  }
  const bin = path.join(dir, "bin", exe);
  if (!fs.existsSync(bin)) {
    fail(127, [`${platformPackage} is installed in ${dir} but has no bin/${exe}; reinstall it: npm install ${platformPackage}@${self.version}`]);
  }
  return bin;
}

const bin = findBinary();
const args = process.argv.slice(2);

if (process.platform !== "win32") {
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch (err) {
    fail(err.code === "ENOENT" ? 127 : 126, [`cannot start ${bin}: ${err.message}`]);
  }
  // Node.js 22.15+ and 23.11+: become lofty-mcp (execve), keeping the process
  // id, the file descriptors and the environment. Nothing of Node stays
  // resident, and signals and the exit status are lofty-mcp's own. (A failed
  // execve aborts Node, hence the check above.)
  if (typeof process.execve === "function") {
    process.execve(bin, [bin, ...args], process.env);
  }
}

// Otherwise: run lofty-mcp as a child process and stand in for it.
//
// Signals: forwarded as they are (the listeners go in before the child
// starts, so no signal finds the launcher unprepared). Windows has no signals
// to forward: Ctrl+C and Ctrl+Break reach every process on the console,
// lofty-mcp too; the launcher only has to survive them to pass on lofty-mcp's
// exit code.
let child;
const forward = process.platform === "win32" ? [] : ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR2"];
const listeners = new Map();
for (const sig of forward) {
  const listener = () => {
    try {
      child.kill(sig);
    } catch {
      // lofty-mcp has already exited; its exit is reported below.
    }
  };
  listeners.set(sig, listener);
  process.on(sig, listener);
}
if (process.platform === "win32") {
  for (const sig of ["SIGINT", "SIGBREAK"]) process.on(sig, () => {});
}

child = spawn(bin, args, { stdio: "inherit", windowsHide: true });

child.on("error", (err) => {
  fail(err.code === "ENOENT" ? 127 : 126, [`cannot start ${bin}: ${err.message}`]);
});

child.on("exit", (code, signal) => {
  if (signal) {
    // End the way lofty-mcp ended: stop catching the signal, then raise it.
    for (const [sig, listener] of listeners) process.removeListener(sig, listener);
    const fallback = 128 + (require("os").constants.signals[signal] || 0);
    try {
      process.kill(process.pid, signal);
    } catch {
      process.exit(fallback); // not a signal this platform can raise
    }
    // The signal normally ends the launcher at once; should it not, exit with
    // the shell's convention for "killed by signal N".
    setTimeout(() => process.exit(fallback), 1000);
    return;
  }
  process.exit(code);
});
