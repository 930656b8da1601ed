// conformance-summary.mjs: a short account of a conformance suite run, read
// from its results directory (-o) and the expected-failures baseline: one line
// per passing scenario, the failures the baseline expects as one summary line
// (their reasons are in the baseline), and, for an UNEXPECTED FAILURE or a
// STALE baseline entry, its line with the reason for every failed check. The
// suite's own baseline mode decides the exit code; this only reports.
// Baseline entries are scenarios, or (suite 0.2) single checks written
// `scenario:check-id`.
//
//   node conformance-summary.mjs RESULTS_DIR BASELINE.yml

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const [dir, baselinePath] = process.argv.slice(2);
const entries = (parse(readFileSync(baselinePath, "utf8"))?.server ?? []).map(String);
const baseline = new Set(entries.filter((e) => !e.includes(":")));
// scenario -> the check ids listed for it
const checksListed = new Map();
for (const e of entries.filter((e) => e.includes(":"))) {
  const [scenario, check] = [e.slice(0, e.indexOf(":")), e.slice(e.indexOf(":") + 1)];
  checksListed.set(scenario, (checksListed.get(scenario) ?? new Set()).add(check));
}
const baselineName = baselinePath.split("/").pop();

// Results directories are named server-<scenario>-<ISO timestamp>.
// Listed in the order they ran.
const found = [];
for (const d of existsSync(dir) ? readdirSync(dir) : []) {
  const f = join(dir, d, "checks.json");
  const m = /^server-(.+)-(\d{4}-\d\d-\d\dT[\d-]+Z)$/.exec(d);
  if (m && existsSync(f)) found.push({ scenario: m[1], at: m[2], checks: JSON.parse(readFileSync(f, "utf8")) });
}
found.sort((a, b) => a.at.localeCompare(b.at));
const runs = new Map(found.map((r) => [r.scenario, r.checks]));

let passed = 0;
let unexpected = 0;
let stale = 0;
const expected = [];
for (const [scenario, checks] of runs) {
  const failing = (c) => c.status === "FAILURE" || c.status === "WARNING";
  const listedChecks = checksListed.get(scenario) ?? new Set();
  const bad = checks.filter((c) => failing(c) && !listedChecks.has(c.id));
  const staleChecks = [...listedChecks].filter((id) => checks.find((c) => c.id === id)?.status === "SUCCESS");
  const n = checks.filter((c) => failing(c) && listedChecks.has(c.id)).length;
  if (n > 0) expected.push(`${scenario} (${n} listed check${n === 1 ? "" : "s"})`);
  const listed = baseline.has(scenario);
  let verdict;
  if (bad.length === 0 && !listed && staleChecks.length === 0) {
    passed++;
    verdict = n > 0 ? `pass, but for ${n} check${n === 1 ? "" : "s"} the baseline lists` : "pass";
  } else if (bad.length === 0 && !listed) {
    stale++;
    verdict = `STALE (checks ${staleChecks.join(", ")} pass, but the baseline lists them: remove them from ${baselineName})`;
  } else if (bad.length === 0) {
    stale++;
    verdict = `STALE (passes, but the baseline lists it: remove it from ${baselineName})`;
  } else if (listed) {
    expected.push(scenario);
    continue;
  } else {
    unexpected++;
    verdict = "UNEXPECTED FAILURE";
  }
  console.log(`  ${scenario}: ${verdict}`);
  for (const c of bad) {
    console.log(`      ${c.status.toLowerCase()} ${c.id}: ${c.errorMessage ?? c.description ?? ""}`);
    if (!listed && c.details) console.log(`      details: ${JSON.stringify(c.details).slice(0, 1500)}`);
  }
}
for (const s of [...baseline, ...checksListed.keys()]) {
  if (!runs.has(s)) console.log(`  ${s}: listed in the baseline but not run (renamed or removed from the suite?)`);
}
if (expected.length > 0) {
  console.log(`  ${expected.length} expected failures (reasons in the baseline): ${expected.join(", ")}`);
}
console.log(
  `conformance: ${passed} passed, ${unexpected + stale} failed` +
    ` (${expected.length} expected failures listed in the baseline; ${runs.size} scenarios run)`,
);
