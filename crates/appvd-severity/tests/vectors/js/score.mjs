// Reads one CVSS vector per line on stdin and prints, per line, the scores computed by two
// independent JavaScript implementations, separated by tabs:
//   3.x: pandatix base, temporal, environmental, then ae base, temporal, environmental
//   4.0: pandatix score, then ae overall score
import { register } from 'node:module';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

register('./resolve-hook.mjs', import.meta.url);
const require = createRequire(import.meta.url);
const pandatix = await import('@pandatix/js-cvss');
const ae = require('ae-cvss-calculator');

// "-" marks a score the calculator does not report (ae omits temporal and environmental scores
// when the vector defines none of those metrics); "ERR" marks a rejected vector.
const fmt = (x) => (x === undefined ? '-' : typeof x === 'number' && Number.isFinite(x) ? x.toFixed(1) : 'ERR');

function score3(vector) {
  const P = vector.startsWith('CVSS:3.0/') ? pandatix.CVSS30 : pandatix.CVSS31;
  const A = vector.startsWith('CVSS:3.0/') ? ae.Cvss3P0 : ae.Cvss3P1;
  let p = ['ERR', 'ERR', 'ERR'];
  let a = ['ERR', 'ERR', 'ERR'];
  try {
    const v = new P(vector);
    p = [fmt(v.BaseScore()), fmt(v.TemporalScore()), fmt(v.EnvironmentalScore())];
  } catch (_) { /* recorded as ERR */ }
  try {
    const s = new A(vector).calculateScores();
    a = [fmt(s.base), fmt(s.temporal), fmt(s.environmental)];
  } catch (_) { /* recorded as ERR */ }
  return [...p, ...a];
}

function score4(vector) {
  let p = 'ERR';
  let a = 'ERR';
  try { p = fmt(new pandatix.CVSS40(vector).Score()); } catch (_) { /* ERR */ }
  try { a = fmt(new ae.Cvss4P0(vector).calculateScores().overall); } catch (_) { /* ERR */ }
  return [p, a];
}

const out = [];
for (const line of readFileSync(0, 'utf8').split('\n')) {
  if (line === '') continue;
  out.push((line.startsWith('CVSS:4.0/') ? score4(line) : score3(line)).join('\t'));
}
process.stdout.write(out.join('\n') + '\n');
