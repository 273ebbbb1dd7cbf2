// Loaded into the Portkey gateway for the benchmark only (see /work/shared/notes/peer-bench.md):
// 1. it binds every interface and has no option for the address: force loopback;
// 2. its stream path appends to immutable fetch Headers (its issues #1389, #1550): make those appends no-ops.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || typeof args[0] === 'string') {
    const cb = args.find((a) => typeof a === 'function');
    return listen.call(this, { port: Number(args[0]), host: '127.0.0.1' }, cb);
  }
  if (args[0] && typeof args[0] === 'object' && args[0].path === undefined) args[0] = { ...args[0], host: '127.0.0.1' };
  return listen.apply(this, args);
};

for (const name of ['append', 'set', 'delete']) {
  const original = Headers.prototype[name];
  Headers.prototype[name] = function (...a) {
    try {
      return original.apply(this, a);
    } catch (e) {
      if (e instanceof TypeError && /immutable/i.test(e.message)) return undefined;
      throw e;
    }
  };
}
