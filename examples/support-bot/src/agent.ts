import { createAgent } from 'langchain';
import { chatModel } from './model.js';
import { webSearch } from './tools/search.js';
import { lookupOrder, refundOrder } from './tools/orders.js';

export const supportAgent = createAgent({
  model: chatModel,
  tools: [webSearch, lookupOrder, refundOrder],
  systemPrompt: 'You are a support assistant. Look up orders before answering questions about them.',
});

// A quick status check that skips the gateway: flagged as a bypass by the linter.
export async function providerStatus(): Promise<number> {
  const res = await fetch('https://api.openai.com/v1/models', { headers: { authorization: `Bearer ${process.env.OPENAI_API_KEY}` } });
  return res.status;
}
