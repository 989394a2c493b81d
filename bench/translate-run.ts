// Runs of one translation figure of the bench, in a process of its own: `node translate-run.mjs FILE MODE`
// prints {first, only, ms} as JSON, each a list of CPU times in ms. Alone, as the reference translator is: the other sections' heaps (100k-rule
// parses) are not there to be marked and swept during its runs, which made the same runs vary twofold.
import { readFileSync } from 'node:fs';
import { parseRuleset } from '../src/engine/parse/index';
import { translateRuleset } from '../src/nft/translate';
import { cpuTimes } from './measure';

const [file, mode] = process.argv.slice(2) as [string, 'compat' | 'idiomatic'];
const text = readFileSync(file, 'utf8');
const run = () => translateRuleset(parseRuleset(text).ruleset, { mode, source: text });
// The first run, timed apart: it includes compiling the code (V8's optimizing compiler works on other
// threads, whose CPU time counts here). Two more untimed: V8 optimizes a function after a few calls.
const first = cpuTimes(1, run);
for (let i = 0; i < 2; i++) run();
const { ruleset } = parseRuleset(text);
const only = cpuTimes(5, () => translateRuleset(ruleset, { mode, source: text }));
const ms = cpuTimes(5, run);
console.log(JSON.stringify({ first, only, ms }));
