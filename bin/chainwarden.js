#!/usr/bin/env node
// The CLI entry: runs the compiled CLI from dist/. Long-running verbs own the process until their signal fires.
import { run } from '../dist/gateway/cli/main.js';

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => controller.abort(new Error(sig)));
}
const code = await run(process.argv.slice(2), { signal: controller.signal });
process.exitCode = code;
