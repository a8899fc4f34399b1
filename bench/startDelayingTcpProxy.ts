import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy on 127.0.0.1 in front of one service, adding a fixed round-trip delay. */
export interface DelayingTcpProxy {
  /** The target URL with the proxy's port. */
  url: string;
  rttMs: number;
  stop(): Promise<void>;
}

/**
 * A delaying TCP proxy: `tc netem` is not available on this kernel, so network delay between
 * gateway and regions is made in user space. Every chunk is forwarded after half the round
 * trip, in each direction, keeping order (each direction is a FIFO of timers of equal delay).
 * Connections are kept alive through it, as they would be over a real link; the handshake
 * of a new connection is not delayed, so the figures err slightly fast for a cold connection.
 */
export async function startDelayingTcpProxy(targetUrl: string, rttMs: number): Promise<DelayingTcpProxy> {
  const target = new URL(targetUrl);
  const oneWay = rttMs / 2;
  const sockets = new Set<net.Socket>();
  const pipeDelayed = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk: Buffer) => {
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, oneWay);
    });
    from.on('end', () => setTimeout(() => to.end(), oneWay));
    from.on('error', () => to.destroy());
    from.on('close', () => setTimeout(() => to.destroy(), oneWay + 1));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: target.hostname, port: Number(target.port) });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = new URL(targetUrl);
  url.port = String(port);
  return {
    url: url.toString(),
    rttMs,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
