/**
 * Hard-coded secret detectors, as data: known key formats first, then high-entropy strings assigned to
 * key/token/secret/password names. A hit carries only a redacted prefix: the value never leaves this module.
 */
import type { Range } from './types.js';

export interface SecretHit {
  range: Range;
  /** What it looks like: "OpenAI API key". */
  label: string;
  /** Provider the key belongs to, when the format says. */
  provider: string | null;
  /** A safe preview: the known prefix (or two characters) and the length, e.g. "sk-ant-… (108 chars)". */
  redacted: string;
  detector: string;
  /** Environment variable to move it to. */
  suggestedEnvVar: string;
}

interface Detector {
  id: string;
  label: string;
  provider: string | null;
  pattern: RegExp;
  /** How many leading characters are safe to show (the format's fixed prefix). */
  prefix: number;
  envVar: string;
}

/** Known credential formats. Order matters: the more specific prefix first (sk-ant- before sk-). */
export const SECRET_DETECTORS: readonly Detector[] = [
  { id: 'anthropic-key', label: 'Anthropic API key', provider: 'anthropic', pattern: /^sk-ant-[A-Za-z0-9_-]{20,}$/, prefix: 7, envVar: 'ANTHROPIC_API_KEY' },
  { id: 'openai-key', label: 'OpenAI API key', provider: 'openai', pattern: /^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}$/, prefix: 3, envVar: 'OPENAI_API_KEY' },
  { id: 'tavily-key', label: 'Tavily API key', provider: 'tavily', pattern: /^tvly-(?:dev-|prod-)?[A-Za-z0-9]{16,}$/, prefix: 5, envVar: 'TAVILY_API_KEY' },
  { id: 'github-token', label: 'GitHub token', provider: 'github', pattern: /^(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})$/, prefix: 4, envVar: 'GITHUB_TOKEN' },
  { id: 'slack-token', label: 'Slack token', provider: 'slack', pattern: /^xox[abpr]-[A-Za-z0-9-]{10,}$|^xapp-[A-Za-z0-9-]{10,}$/, prefix: 5, envVar: 'SLACK_BOT_TOKEN' },
  { id: 'aws-access-key', label: 'AWS access key id', provider: 'bedrock', pattern: /^(?:AKIA|ASIA)[A-Z0-9]{16}$/, prefix: 4, envVar: 'AWS_ACCESS_KEY_ID' },
  { id: 'google-api-key', label: 'Google API key', provider: 'google-genai', pattern: /^AIza[0-9A-Za-z_-]{35}$/, prefix: 4, envVar: 'GOOGLE_API_KEY' },
  { id: 'groq-key', label: 'Groq API key', provider: 'groq', pattern: /^gsk_[A-Za-z0-9]{20,}$/, prefix: 4, envVar: 'GROQ_API_KEY' },
  { id: 'pinecone-key', label: 'Pinecone API key', provider: 'pinecone', pattern: /^pcsk_[A-Za-z0-9_]{20,}$/, prefix: 5, envVar: 'PINECONE_API_KEY' },
  { id: 'huggingface-token', label: 'Hugging Face token', provider: 'huggingface', pattern: /^hf_[A-Za-z0-9]{30,}$/, prefix: 3, envVar: 'HUGGINGFACEHUB_API_KEY' },
  { id: 'langsmith-key', label: 'LangSmith API key', provider: 'langsmith', pattern: /^lsv2_(?:pt|sk)_[A-Za-z0-9_]{20,}$/, prefix: 5, envVar: 'LANGSMITH_API_KEY' },
  { id: 'gitlab-token', label: 'GitLab token', provider: 'gitlab', pattern: /^glpat-[A-Za-z0-9_-]{20,}$/, prefix: 6, envVar: 'GITLAB_TOKEN' },
  { id: 'stripe-key', label: 'Stripe secret key', provider: 'stripe', pattern: /^(?:sk|rk)_live_[A-Za-z0-9]{20,}$/, prefix: 8, envVar: 'STRIPE_SECRET_KEY' },
  { id: 'private-key', label: 'private key', provider: null, pattern: /^-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, prefix: 10, envVar: 'PRIVATE_KEY' },
];

/** Names whose value is a credential: they end in key/token/secret/password (`apiKey`, `clientSecret`, not `secretName`). */
const SECRET_NAME = /(?:api[_-]?key|apikey|access[_-]?key|secret(?:[_-]?key)?|token|passw(?:or)?d|pwd|credentials?|auth[_-]?key|private[_-]?key)$/i;
/** Values that are obviously not real: placeholders, env names, templates. */
const PLACEHOLDER = /^(?:your[-_ ]|<.*>$|x{4,}|\*{3,}|changeme|replace[-_ ]?me|example|dummy|test|placeholder|todo|none|null|undefined|\$\{)/i;

export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function envNameFor(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** Classifies one string literal; `field` is the name it is assigned to, if any. */
export function classifySecret(value: string, field: string | null, range: Range): SecretHit | null {
  if (value.length < 8 || value.length > 10_000) return null;
  for (const d of SECRET_DETECTORS) {
    if (d.pattern.test(value)) {
      return { range, label: d.label, provider: d.provider, redacted: `${value.slice(0, d.prefix)}… (${value.length} chars)`, detector: d.id, suggestedEnvVar: d.envVar };
    }
  }
  const password = urlPassword(value);
  if (password !== null && !PLACEHOLDER.test(password) && password.length >= 4) {
    return { range, label: 'password in a connection string', provider: null, redacted: `${value.slice(0, value.indexOf('://') + 3)}…:*** (${value.length} chars)`, detector: 'url-password', suggestedEnvVar: 'DATABASE_URL' };
  }
  const name = field?.replace(/^['"]|['"]$/g, '') ?? null;
  if (!name || !SECRET_NAME.test(name)) return null;
  if (value.length < 12 || /\s/.test(value) || PLACEHOLDER.test(value)) return null;
  if (/^[A-Z][A-Z0-9_]+$/.test(value) || /^(?:https?|file|env):/.test(value)) return null; // an env var name or a reference
  if (shannonEntropy(value) < 3.2) return null;
  return { range, label: `high-entropy value in "${name}"`, provider: null, redacted: `${value.slice(0, 2)}… (${value.length} chars)`, detector: 'high-entropy', suggestedEnvVar: envNameFor(name) };
}

function urlPassword(value: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:([^@/\s]+)@/i.exec(value);
  return m ? decodeURIComponentSafe(m[1]!) : null;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
