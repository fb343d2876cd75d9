// Reads a Lighthouse 11 JSON report and checks the installability audits
// of its PWA category: prints every PWA audit with its result and exits
// non-zero if one that applies here did not pass. Used by `make audit`.
//
//   node build/audit/lighthouse-check.mjs build/lighthouse.report.json

import { readFileSync } from 'node:fs';

const required = [
  'installable-manifest', // manifest + service worker: the browser offers to install
  'splash-screen',
  'themed-omnibox',
  'maskable-icon',
  'viewport',
  'content-width',
  'apple-touch-icon',
];

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const cat = report.categories && report.categories.pwa;
if (!cat) {
  console.error('audit: the report has no PWA category (Lighthouse 12 dropped it; use lighthouse@11)');
  process.exit(2);
}
console.log(`Lighthouse ${report.lighthouseVersion} on ${report.finalDisplayedUrl || report.finalUrl}`);
console.log(`PWA category score: ${cat.score === null ? 'n/a' : Math.round(cat.score * 100)}`);
let failed = 0;
for (const ref of cat.auditRefs) {
  const a = report.audits[ref.id];
  const mode = a.scoreDisplayMode;
  const ok = mode === 'notApplicable' || mode === 'manual' || mode === 'informative' || a.score === 1;
  const must = required.includes(ref.id);
  if (must && !ok) failed++;
  const mark = mode === 'manual' ? 'manual' : ok ? 'pass' : must ? 'FAIL' : 'warn';
  console.log(`  ${mark.padEnd(6)} ${ref.id}: ${a.title}`);
  if (!ok && a.explanation) console.log(`         ${a.explanation}`);
  if (ref.id === 'installable-manifest' && a.details && a.details.items) {
    for (const it of a.details.items) if (it.reason) console.log(`         ${it.reason}`);
  }
}
if (failed) {
  console.error(`audit: ${failed} installability audit(s) failed`);
  process.exit(1);
}
console.log('audit: the app is installable');
