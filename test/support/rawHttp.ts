import net from 'node:net';

/** What a raw HTTP exchange ended with. */
export interface RawExchange {
  /** The response's status, or null when none came. */
  status: number | null;
  /** How it ended: the server answered and/or closed, or our own patience ran out. */
  ended: 'answered' | 'closed' | 'gave-up';
  /** The connection was reset rather than answered. */
  reset: boolean;
  elapsedMs: number;
}

/**
 * Opens a TCP connection to `url`'s host, writes `parts` (with `gapMs` between them, as a
 * slow client would) and reads until the server closes (or answers, with `untilAnswered`),
 * or until `patienceMs`.
 */
export async function rawHttp(
  url: string,
  parts: Array<string | Buffer>,
  options: { gapMs?: number; patienceMs: number; /** Stop as soon as a status line arrives. */ untilAnswered?: boolean },
): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    let reset = false;
    let done = false;
    const finish = (ended: RawExchange['ended']) => {
      if (done) return;
      done = true;
      clearTimeout(patience);
      socket.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(received);
      resolve({ status: m ? Number(m[1]) : null, ended, reset, elapsedMs: Date.now() - started });
    };
    const patience = setTimeout(() => finish('gave-up'), options.patienceMs);
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (options.untilAnswered && /^HTTP\/1\.1 \d{3}/.test(received)) finish('answered');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') reset = true;
    });
    socket.on('close', () => finish('closed'));
    socket.on('connect', async () => {
      for (const part of parts) {
        if (done || socket.destroyed) return;
        socket.write(part);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
    });
  });
}
