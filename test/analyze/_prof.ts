import { readFileSync } from 'node:fs';
import { parseRuleset } from '../../src/engine/parse/index';
import { LintContext } from '../../src/engine/analyze/context';
import { parseIntent } from '../../src/engine/analyze/intent';
import { CHECKS } from '../../src/engine/analyze/lint';
const text = readFileSync(process.argv[2], 'utf8');
let t = performance.now();
const { ruleset } = parseRuleset(text);
console.log('parse', (performance.now() - t).toFixed(0)); t = performance.now();
const ctx = new LintContext(text, ruleset, parseIntent(undefined));
console.log('context+walk', (performance.now() - t).toFixed(0));
for (const c of CHECKS) { t = performance.now(); const n = c(ctx).length; console.log(c.name, n, (performance.now() - t).toFixed(0)); }
