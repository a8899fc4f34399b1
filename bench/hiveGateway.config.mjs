// Hive Gateway configuration for the benchmark: defaults, plus one plugin that signs each
// subgraph request the way our gateway does (lib/security/gatewaySignature.ts), because
// regions only answer signed requests. Plain JavaScript: Hive Gateway loads it itself, from
// bench/.hive, without the project's TypeScript toolchain. Keep the format in step with
// signRequest(): `t=<ms>,n=<nonce>,s=<base64url HMAC-SHA256 over "t.n.body">`.
import { createHmac, randomUUID } from 'node:crypto';

const secret = process.env.BENCH_REGION_SECRET;

function sign(body) {
  const t = String(Date.now());
  const n = randomUUID();
  const s = createHmac('sha256', secret).update(`${t}.${n}.`).update(body).digest('base64url');
  return `t=${t},n=${n},s=${s}`;
}

export const gatewayConfig = {
  plugins: () =>
    secret
      ? [
          {
            onFetch({ options, setOptions }) {
              const body = typeof options.body === 'string' ? options.body : '';
              const headers = options.headers instanceof Headers ? Object.fromEntries(options.headers.entries()) : { ...(options.headers ?? {}) };
              setOptions({ ...options, headers: { ...headers, 'x-gateway-signature': sign(body) } });
            },
          },
        ]
      : [],
};
