/**
 * Stock @apollo/gateway with default settings, the bench's reference point:
 *   SUPERGRAPH_FILE=... PORT=0 BENCH_REGION_SECRET=... npx tsx bench/stockGateway.ts
 * ApolloGateway({ supergraphSdl }) with its default RemoteGraphQLDataSource (and its default
 * fetcher), served by @apollo/server's startStandaloneServer. The one addition: regions only
 * answer requests the gateway signed, so the default fetcher is wrapped to add the signature
 * header over the exact body it sends (the same HMAC our gateway computes). Prints one JSON
 * "listening" line like our services.
 */
import fs from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { SIGNATURE_HEADER, signRequest } from '../lib/security/gatewaySignature';
import { purposeBound, SIGNATURE_PURPOSE } from '../lib/locator/membershipProtocol';

class SigningDataSource extends RemoteGraphQLDataSource {
  constructor(url: string, secret: string) {
    super({ url });
    const fetcher = this.fetcher;
    this.fetcher = (input, init) =>
      fetcher(input, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), [SIGNATURE_HEADER]: signRequest(secret, purposeBound(SIGNATURE_PURPOSE.graphql, String(init?.body ?? ''))) } });
  }
}

async function main(): Promise<void> {
  const file = process.env.SUPERGRAPH_FILE;
  if (!file) throw new Error('SUPERGRAPH_FILE is required');
  const secret = process.env.BENCH_REGION_SECRET;
  const gateway = new ApolloGateway({
    supergraphSdl: fs.readFileSync(file, 'utf8'),
    ...(secret ? { buildService: ({ url }: { url?: string }) => new SigningDataSource(url!, secret) } : {}),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' } });
  process.stdout.write(`${JSON.stringify({ event: 'listening', url })}\n`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err: unknown) => {
  process.stderr.write(`stock gateway failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
