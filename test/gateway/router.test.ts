/** The request-target router and header rules, table-driven. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeTarget } from '../../gateway/http/router.js';
import { presentedCredential, upstreamHeaders } from '../../gateway/http/headers.js';

const routes: Array<[string, ReturnType<typeof routeTarget>]> = [
  ['/openai/v1/chat/completions', { connection: 'openai', path: '/v1/chat/completions', query: '' }],
  ['/openai/v1/models?limit=2&x=%2F', { connection: 'openai', path: '/v1/models', query: '?limit=2&x=%2F' }],
  ['/openai', { connection: 'openai', path: '/', query: '' }],
  ['/openai/', { connection: 'openai', path: '/', query: '' }],
  ['/openai/v1/fine%5Ftuning/jobs', { connection: 'openai', path: '/v1/fine_tuning/jobs', query: '' }],
  ['/openai/v1/a%20b', { connection: 'openai', path: '/v1/a%20b', query: '' }],
  ['/openai/v1/a%3fb', { connection: 'openai', path: '/v1/a%3Fb', query: '' }],
  ['/openai/../x', { error: 'CW_ERR_BAD_PATH', detail: 'dot segments, empty segments and encoded separators are refused' }],
  ['/openai/./x', { error: 'CW_ERR_BAD_PATH', detail: 'dot segments, empty segments and encoded separators are refused' }],
  ['/openai/%2E%2e/x', { error: 'CW_ERR_BAD_PATH', detail: 'dot segments, empty segments and encoded separators are refused' }],
  ['/openai%2fv1', { error: 'CW_ERR_BAD_PATH', detail: 'dot segments, empty segments and encoded separators are refused' }],
  ['/openai/v1\\x', { error: 'CW_ERR_BAD_PATH', detail: 'dot segments, empty segments and encoded separators are refused' }],
  ['/openai/v1/%00', { error: 'CW_ERR_BAD_PATH', detail: 'dot segments, empty segments and encoded separators are refused' }],
  ['/openai/v1/%G1', { error: 'CW_ERR_BAD_PATH', detail: 'the path has a malformed percent-encoding' }],
  ['//evil.example/x', { error: 'CW_ERR_BAD_PATH', detail: 'dot segments, empty segments and encoded separators are refused' }],
  ['http://evil.example/openai/v1', { error: 'CW_ERR_ABSOLUTE_FORM', detail: 'the request target must be a path such as /openai/v1/chat/completions' }],
  ['*', { error: 'CW_ERR_BAD_PATH', detail: 'the request target must start with "/"' }],
  ['/', { error: 'CW_ERR_UNKNOWN_CONNECTION', detail: 'the path must start with a connection name, e.g. /openai/v1/…' }],
];

for (const [url, expected] of routes) {
  test(`route ${url}`, () => assert.deepEqual(routeTarget(url), expected));
}

test('caller credential headers, hop-by-hop and forwarding headers never go upstream; the injected one does', () => {
  const raw = [
    'Host', 'gw', 'Authorization', 'Bearer chain-key', 'X-Api-Key', 'k', 'api-key', 'k', 'x-goog-api-key', 'k', 'Connection', 'keep-alive, X-Secret-Hop',
    'X-Secret-Hop', '1', 'X-Forwarded-For', '1.2.3.4', 'x-chainwarden-run', 'r', 'Content-Type', 'application/json', 'Content-Length', '2', 'Accept', '*/*',
  ];
  assert.deepEqual(upstreamHeaders(raw, { header: 'authorization', value: 'Bearer real' }, '2'), [
    'content-type', 'application/json', 'accept', '*/*', 'content-length', '2', 'authorization', 'Bearer real',
  ]);
});

const creds: Array<[string, Record<string, string>, string | undefined]> = [
  ['bearer', { authorization: 'Bearer abc' }, 'abc'],
  ['bearer', { authorization: 'bearer abc' }, 'abc'],
  ['bearer', { authorization: 'Basic abc' }, undefined],
  ['bearer', { 'x-api-key': 'abc' }, undefined],
  ['x-api-key', { 'x-api-key': 'abc', authorization: 'Bearer other' }, 'abc'],
  ['api-key', { 'api-key': 'abc' }, 'abc'],
  ['x-goog-api-key', { 'x-goog-api-key': 'abc' }, 'abc'],
  ['auto', { 'x-api-key': 'abc' }, 'abc'],
  ['auto', { authorization: 'Bearer first', 'x-api-key': 'second' }, 'first'],
  ['auto', {}, undefined],
];
for (const [caller, headers, expected] of creds) {
  test(`caller ${caller} with ${Object.keys(headers).join(',') || 'no headers'}`, () => assert.equal(presentedCredential(headers, caller), expected));
}
