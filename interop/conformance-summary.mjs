// conformance-summary.mjs: a short account of a conformance suite run, read
// from its results directory (-o) and the expected-failures baseline: one line
// per passing scenario, the failures the baseline expects as one summary line
// (their reasons are in the baseline), and, for an UNEXPECTED FAILURE or a
// STALE baseline entry, its line with the reason for every failed check. The
// suite's own baseline mode decides the exit code; this only reports.
//
//   node conformance-summary.mjs RESULTS_DIR BASELINE.yml

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const [dir, baselinePath] = process.argv.slice(2);
const baseline = new Set((parse(readFileSync(baselinePath, "utf8"))?.server ?? []).map(String));

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
  const bad = checks.filter((c) => c.status === "FAILURE" || c.status === "WARNING");
  const listed = baseline.has(scenario);
  let verdict;
  if (bad.length === 0 && !listed) {
    passed++;
    verdict = "pass";
  } else if (bad.length === 0) {
    stale++;
    verdict = "STALE (passes, but the baseline lists it: remove it from conformance-baseline.yml)";
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
for (const s of baseline) {
  if (!runs.has(s)) console.log(`  ${s}: listed in the baseline but not run (renamed or removed from the suite?)`);
}
if (expected.length > 0) {
  console.log(`  ${expected.length} expected failures (reasons in the baseline): ${expected.join(", ")}`);
}
console.log(
  `conformance: ${passed} passed, ${unexpected + stale} failed` +
    ` (${expected.length} expected failures listed in the baseline; ${runs.size} scenarios run)`,
);
