/** Deciding from response headers whether and how a body can be scanned. Anything unknown is refused. */
import { createBrotliDecompress, createGunzip, createInflate, type Gunzip } from 'node:zlib';
import { blockOf, type MaskBlock } from './errors.js';

export type BodyMode = 'json' | 'sse' | 'ndjson' | 'text';

export interface ContentPlan {
  mode: BodyMode;
  decoder: (() => Gunzip | ReturnType<typeof createInflate> | ReturnType<typeof createBrotliDecompress>) | null;
}

const TEXT_TYPES = new Set([
  'application/xml', 'application/javascript', 'application/x-www-form-urlencoded', 'application/graphql', 'application/yaml', 'application/x-yaml',
]);
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/json-seq']);
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

const DECODERS: Record<string, ContentPlan['decoder']> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  deflate: () => createInflate(),
  br: () => createBrotliDecompress(),
};

export function planContent(contentType: string | null | undefined, contentEncoding: string | null | undefined): ContentPlan | { blocked: MaskBlock } {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  let decoder: ContentPlan['decoder'] = null;
  if (encoding !== '' && encoding !== 'identity') {
    const d = DECODERS[encoding];
    if (!d) return { blocked: blockOf('CW_MASK_ENCODING_UNSUPPORTED', `content-encoding "${encoding.slice(0, 40)}"`) };
    decoder = d;
  }
  const [mimeRaw, ...params] = (contentType ?? '').split(';');
  const mime = (mimeRaw ?? '').trim().toLowerCase();
  for (const p of params) {
    const [k, v] = p.split('=').map((s) => s.trim().toLowerCase().replace(/^"|"$/g, ''));
    if (k === 'charset' && v !== undefined && !UTF8_CHARSETS.has(v)) return { blocked: blockOf('CW_MASK_CHARSET_UNSUPPORTED', `charset "${v.slice(0, 40)}"`) };
  }
  let mode: BodyMode;
  if (mime === 'text/event-stream') mode = 'sse';
  else if (NDJSON_TYPES.has(mime)) mode = 'ndjson';
  else if (mime === 'application/json' || mime.endsWith('+json')) mode = 'json';
  // No content-type: scanned as text, the reading that masks the most.
  else if (mime === '' || mime.startsWith('text/') || TEXT_TYPES.has(mime) || mime.endsWith('+xml')) mode = 'text';
  else return { blocked: blockOf('CW_MASK_CONTENT_TYPE_UNSUPPORTED', `content-type "${mime.slice(0, 80)}"`) };
  return { mode, decoder };
}
