/** The gateway as a child process through the real bin. */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from '../helpers/paths.js';

export interface GatewayChild {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stdout: () => string;
  exit: Promise<number | null>;
}

/** Starts `chainwarden gateway` and waits for its listening line. */
export function spawnGateway(file: string, childEnv: NodeJS.ProcessEnv): Promise<GatewayChild> {
  const child = spawn(process.execPath, [CLI, 'gateway', '--policy', file], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, stderr: () => err, stdout: () => out, exit });
    });
    void exit.then((code) => reject(new Error(`gateway exited with ${code} before listening:\n${err}`)));
  });
}

