import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics (prom-client: the de-facto Node client, text exposition format that
 * any Prometheus or NHS monitoring stack scrapes). One registry per gateway instance so
 * several gateways in one process (tests) never collide.
 */
export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<'outcome'>;
  requestDuration: Histogram<'outcome'>;
  regionRequests: Counter<'region' | 'outcome'>;
  regionDuration: Histogram<'region'>;
  circuitOpen: Gauge<'region'>;
  locatorDecisions: Counter<'decision'>;
}

/** What the circuit gauge reads at each scrape. */
export type CircuitSource = () => Iterable<{ code: string; breaker: { isOpen: boolean } }>;

export function createGatewayMetrics(circuits: CircuitSource = () => []): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gateway_' });
  return {
    registry,
    requests: new Counter({ name: 'gateway_graphql_requests_total', help: 'GraphQL requests by outcome (ok, partial, error)', labelNames: ['outcome'], registers: [registry] }),
    requestDuration: new Histogram({
      name: 'gateway_graphql_request_duration_seconds',
      help: 'GraphQL request duration',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    regionRequests: new Counter({
      name: 'gateway_region_requests_total',
      help: 'Fetches sent to regions by outcome (ok, unavailable, timeout, skipped)',
      labelNames: ['region', 'outcome'],
      registers: [registry],
    }),
    regionDuration: new Histogram({
      name: 'gateway_region_request_duration_seconds',
      help: 'Round trip of fetches to each region',
      labelNames: ['region'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers: [registry],
    }),
    locatorDecisions: new Counter({
      name: 'gateway_locator_decisions_total',
      help: 'Per region and patient fetch: asked as a possible member, asked because its summary was not fresh, asked because it is on the previous contract, or skipped',
      labelNames: ['decision'],
      registers: [registry],
    }),
    circuitOpen: new Gauge({
      name: 'gateway_region_circuit_open',
      help: '1 while a region is skipped by its circuit breaker',
      labelNames: ['region'],
      registers: [registry],
      // Read at scrape time, so the gauge is current whoever scrapes the registry.
      collect() {
        for (const r of circuits()) this.set({ region: r.code }, r.breaker.isOpen ? 1 : 0);
      },
    }),
  };
}
