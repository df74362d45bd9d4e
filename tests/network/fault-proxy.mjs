// @ts-check
/**
 * A fault-injecting HTTP proxy in front of the local PDS, for testing how clients cope with
 * an unreliable server. It forwards everything unchanged, except requests matching a rule:
 *   POST /__faults  {rules: [{path, fault, times?, resetIn?, delayMs?}]}  replaces the rules
 *   GET  /__faults  → {rules, seen: [{method, path, fault}], maxInFlight}   what happened
 *                      (maxInFlight: the most requests it was answering at once since the rules were set)
 * Faults: "500" (HTTP 500 XRPC error), "429" (with ratelimit-* headers, reset `resetIn` s
 * from now), "slow" (waits `delayMs` before forwarding), "drop" (destroys the connection
 * without answering). `path` matches a substring of the request path; `times` limits how
 * often a rule fires (default: always).
 */
import http from 'node:http';

/**
 * @param {string} target e.g. http://localhost:2583
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export function startFaultProxy(target) {
  /** @type {Array<{path: string, fault: string, times?: number, resetIn?: number, delayMs?: number}>} */
  let rules = [];
  /** @type {Array<{method: string, path: string, fault: string | null}>} */
  let seen = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const upstream = new URL(target);

  const server = http.createServer(async (req, res) => {
    const path = req.url ?? '/';
    if (path === '/__faults') {
      if (req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += chunk;
        rules = JSON.parse(body || '{}').rules ?? [];
        seen = [];
        maxInFlight = inFlight;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      return res.end(JSON.stringify({ rules, seen, maxInFlight }));
    }
    if (req.method !== 'OPTIONS') {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.once('close', () => inFlight--);
    }
    const rule = req.method === 'OPTIONS' ? undefined : rules.find((r) => path.includes(r.path) && (r.times ?? Infinity) > 0);
    if (rule && rule.times !== undefined) rule.times--;
    seen.push({ method: req.method ?? 'GET', path, fault: rule?.fault ?? null });
    const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': '*' };
    if (rule?.fault === 'drop') return req.socket.destroy();
    if (rule?.fault === '500') {
      res.writeHead(500, { 'content-type': 'application/json', ...cors });
      return res.end(JSON.stringify({ error: 'InternalServerError', message: 'Injected failure' }));
    }
    if (rule?.fault === '429') {
      const reset = Math.floor(Date.now() / 1000) + (rule.resetIn ?? 1);
      res.writeHead(429, { 'content-type': 'application/json', 'ratelimit-limit': '3000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset), ...cors });
      return res.end(JSON.stringify({ error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }));
    }
    if (rule?.fault === 'slow') await new Promise((r) => setTimeout(r, rule.delayMs ?? 5000));
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
