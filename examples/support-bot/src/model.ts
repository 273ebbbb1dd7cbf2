import { ChatOpenAI } from '@langchain/openai';
import { CHAIN_KEY, GATEWAY_URL, MODEL } from './config.js';

// Routed through the gateway: only the base URL and the key differ from a direct client.
export const chatModel = new ChatOpenAI({
  model: MODEL,
  apiKey: CHAIN_KEY,
  configuration: { baseURL: `${GATEWAY_URL}/openai/v1` },
});
