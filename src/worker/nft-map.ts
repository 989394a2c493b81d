// The nftables preview's line map as the page reads it (NftPreview's compressed rows): which source lines
// a translation line comes from, and which translation lines a source line went to. Kept apart from
// nft-preview.ts, which loads the translator: the page needs the map, not the translator.
import type { NftPreview } from './nft-preview';

/// The source lines translation line `i` (0-based) comes from.
export function sourcesOf(p: Pick<NftPreview, 'fromStart' | 'fromLines'>, i: number): number[] {
  return i >= 0 && i + 1 < p.fromStart.length ? Array.from(p.fromLines.subarray(p.fromStart[i], p.fromStart[i + 1])) : [];
}

/// The translation lines (0-based) source line `line` went to.
export function outputsOf(p: Pick<NftPreview, 'outStart' | 'outLines'>, line: number): number[] {
  return line >= 0 && line + 1 < p.outStart.length ? Array.from(p.outLines.subarray(p.outStart[line], p.outStart[line + 1])) : [];
}
