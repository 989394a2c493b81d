// The share link of DESIGN.md section 2: `#v1.` + base64url (no `=`) of deflate-raw of the UTF-8 JSON of
// the scenario, plus an optional `ui` key. DOM-free: CompressionStream, btoa and TextEncoder are globals
// in browsers and in Node 20 alike, so the CLI and docs tooling share this file.
import type { Scenario } from '../engine/model/scenario';
import { ScenarioInputError, toScenario } from './scenario-json';

/// A scenario with what the playground shows (selected packet, step, open views).
export type SharedState = Scenario & { ui?: unknown };

export const LINK_VERSION = 'v1';

/// The most JSON a link may inflate to: a hostile link must not be a decompression bomb.
export const MAX_DECODED_BYTES = 2 * 1024 * 1024;

export class ShareLinkError extends Error {
  override name = 'ShareLinkError';
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  // Chunked: String.fromCharCode(...bytes) overflows the stack on large inputs.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/// Tolerant: accepts padding and the standard alphabet too, and ignores whitespace a mail client inserted.
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.replace(/\s+/g, '').replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) throw new ShareLinkError('the link is damaged: it holds characters a share link never has, or was cut short');
  const bin = atob(clean + '='.repeat((4 - (clean.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pump(stream: { writable: WritableStream<BufferSource>; readable: ReadableStream<Uint8Array> }, input: Uint8Array<ArrayBuffer>, limit: number): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Errors surface on the reading side; keep the writer's own rejections from going unhandled.
  writer.write(input).then(() => writer.close()).catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ShareLinkError(`the link unpacks to more than ${Math.round(limit / 1024 / 1024)} MB; nfplay refuses to open it`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) (out.set(c, at), (at += c.length));
  return out;
}

/// The fragment for a state, without the leading `#`: `v1.` + payload.
export async function encodeShareLink(state: SharedState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  const packed = await pump(new CompressionStream('deflate-raw'), json, Infinity);
  return `${LINK_VERSION}.${toBase64Url(packed)}`;
}

/// Whether a location hash looks like a share link at all (other fragments are left alone).
export function isShareLink(hash: string): boolean {
  return /^#?v\d+\./.test(hash.trim());
}

/// Reads a fragment (with or without `#`); throws ShareLinkError with a message fit to show a person.
export async function decodeShareLink(hash: string, maxBytes = MAX_DECODED_BYTES): Promise<SharedState> {
  // Chat apps and mail clients sometimes percent-encode the fragment.
  const text = (/%[0-9a-f]{2}/i.test(hash) ? safeDecodeUri(hash) : hash).trim().replace(/^#/, '');
  const m = /^v(\d+)\.(.*)$/s.exec(text);
  if (!m) throw new ShareLinkError('this is not an nfplay share link (it should start with #v1.)');
  if (m[1] !== '1') throw new ShareLinkError(`the link is of format v${m[1]}, newer than this playground understands (v1); reload to get the latest version`);
  const packed = fromBase64Url(m[2]);
  if (!packed.length) throw new ShareLinkError('the link is empty');
  let json: Uint8Array;
  try {
    json = await pump(new DecompressionStream('deflate-raw'), packed, maxBytes);
  } catch (e) {
    if (e instanceof ShareLinkError) throw e;
    throw new ShareLinkError('the link is damaged: its data does not unpack (was it cut short when copied?)');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new ShareLinkError('the link is damaged: it unpacks to something that is not a scenario');
  }
  try {
    return toScenario(value, 'link') as SharedState;
  } catch (e) {
    if (e instanceof ScenarioInputError) throw new ShareLinkError(`the link holds an invalid scenario: ${e.message}`);
    throw e;
  }
}

function safeDecodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
