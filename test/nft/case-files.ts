// Reads test/nft/cases/*.cases (format: tools/xlate/cases.py).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Case {
  file: string;
  rule: string;
  ref: string;
  'ref-check': string;
  ours?: string;
  'ours-check'?: string;
  'idiomatic-check'?: string;
  note: string[];
}

export const CASES_DIR = join(__dirname, 'cases');

export function readCases(file: string): Case[] {
  const out: Case[] = [];
  let cur: Case | null = null;
  for (const line of readFileSync(join(CASES_DIR, file), 'utf8').split('\n')) {
    if (!line.trim()) {
      cur = null;
      continue;
    }
    if (line.startsWith('#') && !cur) continue;
    const i = line.indexOf(': ');
    const key = line.slice(0, i);
    const value = line.slice(i + 2);
    if (key === 'rule' || !cur) out.push((cur = { file, rule: '', ref: '', 'ref-check': '', note: [] }));
    if (key === 'note') cur.note.push(value);
    else (cur as unknown as Record<string, string>)[key] = value;
  }
  return out;
}

export const caseFiles = (): string[] => readdirSync(CASES_DIR).filter((f) => f.endsWith('.cases')).sort();
