/**
 * Approval notifications: one JSON POST per event to the policy's webhook, signed with HMAC-SHA256
 * when a secret is configured, retried with exponential backoff. It never blocks a data path: events
 * queue (bounded) and deliver in the background. Summaries carry no links and no secrets.
 */
import { createHmac } from 'node:crypto';
import { request } from 'undici';
import type { ResolvedSecret } from '../policy/secrets.js';
import type { ApprovalService } from './service.js';
import type { Approval } from './types.js';
import { approvalJson } from './json.js';

export interface WebhookOptions {
  url: string;
  secret?: ResolvedSecret;
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  maxQueue?: number;
  onFailure?: (event: string, id: string, error: string) => void;
}

export function webhookPayload(event: 'approval.created' | 'approval.decided', a: Approval): Record<string, unknown> {
  return {
    event,
    approval: approvalJson(a),
    how_to_answer: a.status === 'pending' ? `chainwarden approve ${a.id} --once | chainwarden deny ${a.id} --reason "…"` : null,
  };
}

export class WebhookNotifier {
  private queue: Array<{ event: string; id: string; body: string }> = [];
  private running = false;
  private closed = false;
  private idle: Array<() => void> = [];

  constructor(private readonly opts: WebhookOptions) {}

  attach(service: ApprovalService): this {
    service.on('created', (a) => this.enqueue('approval.created', a));
    service.on('decided', (a) => this.enqueue('approval.decided', a));
    return this;
  }

  enqueue(event: 'approval.created' | 'approval.decided', a: Approval): void {
    if (this.closed) return;
    if (this.queue.length >= (this.opts.maxQueue ?? 1000)) {
      this.opts.onFailure?.(event, a.id, 'webhook queue full; event dropped from notification (the approval itself is stored)');
      return;
    }
    this.queue.push({ event, id: a.id, body: JSON.stringify(webhookPayload(event, a)) });
    if (!this.running) void this.drain();
  }

  /** Resolves when everything queued so far was delivered or given up. */
  flush(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length && !this.closed) {
      const item = this.queue.shift()!;
      await this.deliver(item);
    }
    this.running = false;
    for (const r of this.idle.splice(0)) r();
  }

  private async deliver(item: { event: string; id: string; body: string }): Promise<void> {
    const attempts = this.opts.attempts ?? 6;
    const base = this.opts.backoffMs ?? 500;
    let last = '';
    for (let attempt = 1; attempt <= attempts && !this.closed; attempt++) {
      try {
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-chainwarden-event': item.event, 'x-chainwarden-delivery-attempt': String(attempt) };
        if (this.opts.secret) headers['x-chainwarden-signature'] = `sha256=${createHmac('sha256', this.opts.secret.reveal()).update(item.body).digest('hex')}`;
        const res = await request(this.opts.url, { method: 'POST', headers, body: item.body, headersTimeout: this.opts.timeoutMs ?? 5000, bodyTimeout: this.opts.timeoutMs ?? 5000 });
        await res.body.dump();
        if (res.statusCode < 300) return;
        last = `HTTP ${res.statusCode}`;
        if (res.statusCode < 500 && res.statusCode !== 429) break; // the receiver refuses it: retrying will not help
      } catch (e) {
        last = (e as Error).message;
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, base * 2 ** (attempt - 1)));
    }
    this.opts.onFailure?.(item.event, item.id, last);
  }
}
