// For record.py: nfplay's --compat and idiomatic translation of each rule of a JSON list on stdin.
import { readFileSync } from 'node:fs';
import { commandCase } from '../../test/nft/command-case';

const rules = JSON.parse(readFileSync(0, 'utf8')) as string[];
process.stdout.write(JSON.stringify(rules.map((r) => commandCase(r))));
