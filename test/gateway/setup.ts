/** Test policies in temp dirs and a gateway started on ephemeral loopback ports. */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../gateway/gateway.js';

export const KEYS = {
  support: 'cw-test-support-bot-key-000000000001',
  other: 'cw-test-other-chain-key-000000000002',
  admin: 'cw-test-admin-token-0000000000000003',
  openai: 'sk-upstream-openai-REAL-secret-4444',
  anthropic: 'sk-ant-upstream-REAL-secret-5555',
};

export const ENV: NodeJS.ProcessEnv = {
  CW_T_SUPPORT: KEYS.support,
  CW_T_OTHER: KEYS.other,
  CW_T_ADMIN: KEYS.admin,
  CW_T_OPENAI: KEYS.openai,
  CW_T_ANTHROPIC: KEYS.anthropic,
};

export interface PolicyParts {
  openaiUrl: string;
  anthropicUrl?: string;
  extraGateway?: string;
  identityExtra?: string;
  rulesExtra?: string;
}

export function policyYaml(p: PolicyParts): string {
  return `version: 1
gateway:
  listen: 127.0.0.1:0
  admin: 127.0.0.1:0
  store: sqlite:state/audit.db
  adminToken: env:CW_T_ADMIN
${p.extraGateway ?? ''}
identity:
  keys:
    - { chain: support-bot, key: env:CW_T_SUPPORT }
    - { chain: other, key: env:CW_T_OTHER }
${p.identityExtra ?? ''}
chains:
  support-bot: { sources: ["src/**"] }
  other: { sources: ["other/**"] }
connections:
  openai:
    type: http
    upstream: ${p.openaiUrl}
    provider: openai
    auth:
      caller: bearer
      inject: { header: authorization, value: "Bearer \${env:CW_T_OPENAI}" }
  anthropic:
    type: http
    upstream: ${p.anthropicUrl ?? 'http://127.0.0.1:9'}
    provider: anthropic
    auth:
      caller: x-api-key
      inject: { header: x-api-key, value: env:CW_T_ANTHROPIC }
  orders-db:
    type: postgres
    listen: 127.0.0.1:0
    upstream: postgres://u@127.0.0.1:5432/db
rules:
  - name: support chats
    chains: [support-bot]
    connection: [openai, anthropic]
    allow: ["POST /v1/chat/completions", "POST /v1/messages", "POST /v1/echo", "GET /v1/slow"]
    flag: ["GET /v1/models"]
  - name: nobody fine-tunes
    chains: ["*"]
    connection: openai
    deny: ["* /v1/fine_tuning/**"]
  - name: embeddings need approval
    chains: [support-bot]
    connection: openai
    approve: { ops: ["POST /v1/embeddings"], approvers: [group:leads] }
${p.rulesExtra ?? ''}
`;
}

export function tempPolicy(yaml: string): { dir: string; file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cw-gw-'));
  const file = join(dir, 'chainwarden.yaml');
  writeFileSync(file, yaml);
  return { dir, file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function gatewayFor(yaml: string, options: Partial<GatewayOptions> = {}): Promise<{ gw: RunningGateway; dir: string; file: string; stop(): Promise<void> }> {
  const t = tempPolicy(yaml);
  const gw = await startGateway({ policyFile: t.file, env: ENV, watch: false, ...options });
  return {
    gw,
    dir: t.dir,
    file: t.file,
    async stop() {
      await gw.close();
      t.cleanup();
    },
  };
}
