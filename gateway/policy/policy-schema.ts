/** The shape of chainwarden.yaml, written once: validation and the shipped JSON Schema both come from here. */
import { DETECTOR_NAMES } from '../mask/names.js';
import { DURATION_PATTERN } from './duration.js';
import { arr, bool, map, num, obj, opt, req, str, union, type ObjectSchema, type Schema, type TaggedSchema } from './schema-dsl.js';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const name = (what: string) => str({ pattern: NAME_PATTERN, hint: `${what} name (letters, digits, "_", "-", ".")` });
const duration = (description: string) => str({ pattern: DURATION_PATTERN, hint: 'a duration such as "30s", "5m", "1h" or "7d"', description });
const address = (description: string) =>
  str({ pattern: /^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, hint: 'an address "HOST:PORT", e.g. "127.0.0.1:8790"', description });
const secret = (description: string) => str({ hint: 'a secret reference such as "env:NAME" or "file:PATH"', description });
const strings = (description: string) => arr(str(), { description });

export const maskSpec = obj(
  'a mask entry',
  {
    detector: req(str({ enum: DETECTOR_NAMES, description: 'Which detector finds the values to mask.' })),
    name: opt(str({ description: 'A name for a regex detector, used in audit counts.' })),
    pattern: opt(str({ description: 'The regular expression of a regex detector.' })),
    paths: opt(strings('JSON paths to scan ("$.choices[*].message.content"); the whole body when absent.')),
    columns: opt(strings('PostgreSQL result columns to mask ("email", "public.users.ssn").')),
    replace: opt(str({ enum: ['partial', 'token'], description: 'Keep the shape (partial) or replace with a fixed token.' })),
  },
  'Mask values found by a detector before the chain sees them.',
);

const callerHeaders = ['auto', 'bearer', 'x-api-key', 'api-key', 'x-goog-api-key'] as const;

const httpConnection = obj('an http connection', {
  type: req(str({ enum: ['http'] })),
  upstream: req(str({ pattern: /^https?:\/\/[^\s/]+(\/\S*)?$/, hint: 'an http(s) URL, e.g. "https://api.openai.com"', description: 'Where calls are forwarded.' })),
  provider: opt(str({ description: 'What the linter recognises as this resource (openai, anthropic, tavily, …).' })),
  hosts: opt(strings('Other hosts the linter treats as this connection.')),
  auth: opt(
    obj('an auth block', {
      caller: opt(str({ enum: callerHeaders, description: 'The header that carries the caller\'s Chainwarden key or token.' })),
      inject: opt(obj('an inject block', { header: req(str()), value: req(secret('The real credential, as a reference.')) })),
    }),
  ),
  timeouts: opt(obj('a timeouts block', { connect: opt(duration('TCP/TLS connect')), headers: opt(duration('Until response headers')), body: opt(duration('Between body chunks')) })),
  mask: opt(arr(maskSpec)),
});

const postgresConnection = obj('a postgres connection', {
  type: req(str({ enum: ['postgres'] })),
  listen: req(address('Where the gateway accepts PostgreSQL clients for this connection.')),
  upstream: req(str({ pattern: /^postgres(?:ql)?:\/\/\S+$/, hint: 'a URL "postgres://USER@HOST:PORT/DATABASE"', description: 'The real server; no password here.' })),
  provider: opt(str()),
  hosts: opt(strings('Other hosts the linter treats as this connection.')),
  credential: opt(obj('a credential block', { user: opt(str()), password: opt(secret('The upstream password, as a reference.')) })),
  tls: opt(obj('a tls block', { upstream: opt(str({ enum: ['disable', 'require', 'verify-full'] })), ca: opt(str()), cert: opt(str()), key: opt(str()) })),
  mask: opt(arr(maskSpec)),
});

const mcpConnection = obj('an mcp connection', {
  type: req(str({ enum: ['mcp'] })),
  upstream: req(str({ pattern: /^https?:\/\/\S+$/, hint: 'the MCP server\'s streamable HTTP URL' })),
  provider: opt(str()),
  hosts: opt(strings('Other hosts the linter treats as this connection.')),
  auth: opt(obj('an auth block', { inject: opt(obj('an inject block', { header: req(str()), value: req(secret('The real credential, as a reference.')) })) })),
  mask: opt(arr(maskSpec)),
});

export const connectionSchema: TaggedSchema = {
  kind: 'tagged',
  tag: 'type',
  what: 'a connection',
  variants: { http: httpConnection, postgres: postgresConnection, mcp: mcpConnection },
};

const opList = (description: string) => arr(str(), { description });

export const ruleSchema = obj('a rule', {
  name: req(str({ description: 'Unique; shown in every decision and audit record.' })),
  description: opt(str()),
  chains: opt(strings('Chain names or globs; "*" for every chain.')),
  groups: opt(strings('Identity-provider groups.')),
  connection: req(union(str(), arr(str()))),
  allow: opt(opList('Operations allowed.')),
  deny: opt(opList('Operations refused.')),
  flag: opt(opList('Operations allowed and marked for review.')),
  approve: opt(
    obj('an approve block', {
      ops: req(opList('Operations held until a person approves.')),
      approvers: req(arr(str({ pattern: /^(group|user):\S+$/, hint: '"group:NAME" or "user:NAME"' }), { minItems: 1 })),
      ttl: opt(duration('How long an approval "for a time" lasts at most.')),
      timeout: opt(duration('How long a held call waits for an answer.')),
      once: opt(bool('Approvals release one call only.')),
      when: opt(obj('a when block', { rowsOver: opt(num({ integer: true, min: 0 })), unfiltered: opt(bool('UPDATE or DELETE without WHERE.')) })),
      includeBody: opt(bool('Show the (masked) request body to approvers.')),
    }),
  ),
  mask: opt(arr(maskSpec)),
});

const severity = str({ enum: ['error', 'warning', 'info', 'hint', 'off'] });

export const policySchema: ObjectSchema = obj(
  'a Chainwarden policy',
  {
    version: req(num({ integer: true, min: 1, max: 1, description: 'Always 1.' })),
    gateway: opt(
      obj('a gateway block', {
        listen: opt(address('The HTTP data plane.')),
        admin: opt(address('The admin API.')),
        store: opt(str({ pattern: /^(sqlite:.+|postgres(ql)?:\/\/.+|memory:)$/, hint: '"sqlite:PATH", "postgres://…" or "memory:"' })),
        adminToken: opt(secret('Token for the admin API and CLI.')),
        audit: opt(obj('an audit block', { jsonl: opt(str()), failOpen: opt(bool('Serve even when the audit store cannot write.')) })),
        timeouts: opt(obj('a timeouts block', { connect: opt(duration('')), headers: opt(duration('')), body: opt(duration('')), drain: opt(duration('')) })),
      }),
    ),
    identity: opt(
      obj('an identity block', {
        keys: opt(arr(obj('a key entry', { chain: req(name('a chain')), key: req(secret('The chain\'s key.')), id: opt(str()) }))),
        oidc: opt(
          obj('an oidc block', {
            issuer: req(str()),
            audience: req(union(str(), arr(str()))),
            jwks: req(str({ pattern: /^(https?:\/\/|file:)\S+$/, hint: 'a JWKS URL or "file:PATH"' })),
            groupsClaim: opt(str()),
            chainClaim: opt(str()),
            chainHeaderGroups: opt(strings('Groups allowed to name their chain in x-chainwarden-chain.')),
            clockSkew: opt(duration('Tolerance for exp/nbf.')),
          }),
        ),
      }),
    ),
    chains: opt(map(obj('a chain', { owner: opt(str()), description: opt(str()), sources: opt(strings('Globs of the code that belongs to this chain.')) }), { keyPattern: NAME_PATTERN })),
    connections: opt(map(connectionSchema as Schema, { keyPattern: NAME_PATTERN })),
    rules: opt(arr(ruleSchema)),
    approvals: opt(
      obj('an approvals block', {
        timeout: opt(duration('Default wait for a held call.')),
        webhook: opt(obj('a webhook block', { url: req(str({ pattern: /^https?:\/\/\S+$/, hint: 'an http(s) URL' })), secret: opt(secret('HMAC key for signatures.')) })),
      }),
    ),
    scan: opt(
      obj('a scan block', {
        severity: opt(obj('a severity block', { approved: opt(severity), unapproved: opt(severity), bypass: opt(severity), 'needs-approval': opt(severity), unknown: opt(severity), secret: opt(severity) })),
        exclude: opt(strings('Globs the scanner skips.')),
      }),
    ),
  },
  'Chainwarden policy: which chains may call which services, and how.',
);
