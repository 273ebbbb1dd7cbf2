// Where the support bot's services live. Everything goes through the Chainwarden gateway.
export const GATEWAY_URL = process.env.CHAINWARDEN_URL ?? 'http://127.0.0.1:8790';
export const CHAIN_KEY = process.env.CHAINWARDEN_KEY;
export const MODEL = 'gpt-4o-mini';
