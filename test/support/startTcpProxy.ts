import net from 'node:net';

/** A TCP proxy that can turn into a black hole: the network path to a server, for partition faults. */
export interface TcpProxy {
  port: number;
  /** Stops forwarding in both directions, for open and new connections alike (packets dropped, nothing refused). */
  blackhole(): void;
  /** Drops every connection made so far and forwards again. */
  restore(): void;
  stop(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let holing = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    const upstream = net.connect(targetPort, targetHost);
    open.add(upstream);
    upstream.on('close', () => open.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('data', (d) => {
      if (!holing) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!holing) client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    blackhole: () => {
      holing = true;
    },
    restore: () => {
      for (const socket of open) socket.destroy();
      holing = false;
    },
    stop: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
