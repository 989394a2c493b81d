// ../shared beside the repository, when present (tests that read it skip cleanly without it).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const SHARED = resolve(__dirname, '../../../shared');
export const hasShared = existsSync(resolve(SHARED, 'corpus/real'));
