import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { LRUCache } from 'lru-cache';
import { Agent, request, type Dispatcher } from 'undici';
import type { Logger } from '../../lib/logger';
import { GATEWAY_DEFAULTS } from '../defaults';
import { formattedError, GatewayErrorCode } from '../errors';
import type { GatewayMetrics } from '../observability/createGatewayMetrics';
import type { RegionEndpoint, RegionRegistry } from '../registry/RegionRegistry';
import type { GatewayContext } from '../GatewayContext';
import { collectNhsNumbers, countStudies } from '../audit/extractAuditFacts';
import { mergeRegionAnswers } from './merge/mergeRegionAnswers';
import type { RegionFailureStatus } from '../../lib/domain/RegionRef';
import type { RegionOutcome } from './merge/RegionAnswer';
import { regionsAskedFor, routeFetch } from './routeFetch';
import { prepareFanOutOperation, type PreparedOperation } from './prepareFanOutOperation';
import type { LocatorDecision, PatientLocator } from '../locator/PatientLocator';
import { patientNhsNumbers } from '../locator/patientNhsNumbers';
import { answerWithoutRegions } from '../locator/answerWithoutRegions';
import type { MembershipPosition } from '../../lib/locator/membershipProtocol';
import { stampCompleteness } from './merge/completeness';
import { ANSWER_SIGNATURE_HEADER } from '../../lib/security/regionAnswerSignature';

/** Options for {@link FanOutDataSource}. */
export interface FanOutOptions {
  /** Where the registered regions come from (the registry's current snapshot). */
  registry: Pick<RegionRegistry, 'list'>;
  /** The regional contract as a subgraph schema (lib/contract.ts). */
  schema: GraphQLSchema;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Time budget per region unless its registration sets one, ms. @defaultValue GATEWAY_DEFAULTS.regionTimeoutMs */
  defaultTimeoutMs?: number;
  /** Most open connections to one region; keep-alive reuses them. @defaultValue GATEWAY_DEFAULTS.connectionsPerRegion */
  connectionsPerRegion?: number;
  /** Activity counts below this are never shown exactly. @defaultValue GATEWAY_DEFAULTS.suppressionThreshold */
  suppressionThreshold?: number;
  /** The HTTP client to regions (undici's MockAgent in unit tests); by default a keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Extra headers for one region's copy of a fetch (request signing). */
  regionHeaders?: (region: RegionEndpoint, body: string) => Record<string, string>;
  /**
   * Whether an answer is really the region's (signed with its secret over our request's
   * nonce, gateway/registry/createAnswerChecker.ts). An answer failing it makes the region
   * UNAVAILABLE for this query and none of its data or errors is used.
   */
  checkAnswer?: (region: RegionEndpoint, sentHeaders: Record<string, string>, answerSignature: string | undefined, body: string) => boolean;
  /** Routes patient fetches to the regions that may hold the patient; without it every region is asked. */
  locator?: PatientLocator;
}

/** A region outcome, with what the fan-out alone needs: the region's membership position, the failure's message. */
type Outcome = (RegionOutcome & { kind: 'answer'; membership: MembershipPosition | null }) | (RegionOutcome & { kind: 'failure'; message: string });

/** Region answers that blame the request, not the region. */
const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
]);

/**
 * The gateway's data source for the regional subgraph. Federation resolves each field in
 * one subgraph and never unions lists from several, so the supergraph holds the regional
 * contract once and this data source sends each planned fetch to every registered region
 * in parallel, then merges the answers (merge/). A region that fails, is
 * too slow, or is skipped by its circuit breaker never fails the query: it becomes one
 * error naming it and an incomplete history.
 */
export class FanOutDataSource implements GraphQLDataSource<Record<string, unknown>> {
  // Bounded by entries: the planner emits few distinct fetches, a client cannot grow it
  // without bound, and an entry never goes stale (the contract is fixed for the process).
  private readonly prepared = new LRUCache<string, PreparedOperation>({ max: 2000 });
  // undici: keep-alive, bounded connections per origin, far cheaper per request than node-fetch.
  private readonly agent: Dispatcher;
  private readonly defaultTimeoutMs: number;

  constructor(private readonly options: FanOutOptions) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? GATEWAY_DEFAULTS.regionTimeoutMs;
    this.agent =
      options.dispatcher ?? new Agent({ connections: options.connectionsPerRegion ?? GATEWAY_DEFAULTS.connectionsPerRegion, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  async process(options: GraphQLDataSourceProcessOptions<Record<string, unknown>>): Promise<GatewayGraphQLResponse> {
    const { request: fetchRequest } = options;
    const prepared = this.prepare(fetchRequest.query ?? '');
    if (prepared.kind === 'refused') return { errors: [formattedError(GatewayErrorCode.BAD_USER_INPUT, prepared.reason)] };
    const variables = (fetchRequest.variables ?? {}) as Record<string, unknown>;
    const registered = this.options.registry.list();
    const route = routeFetch(prepared, variables, registered);
    if (route.kind === 'unknown' && route.unknown.length === 0) {
      return { errors: [formattedError(GatewayErrorCode.BAD_USER_INPUT, 'filter.regions is empty: name at least one region, or leave it out to ask every region')] };
    }
    if (route.kind === 'unknown') {
      return {
        errors: [
          formattedError(
            GatewayErrorCode.BAD_USER_INPUT,
            `filter.regions names unknown region(s) ${route.unknown.join(', ')}; registered regions: ${registered.map((r) => r.code).join(', ') || 'none'}`,
          ),
        ],
      };
    }
    if (route.targets.length === 0) {
      return { errors: [formattedError(GatewayErrorCode.NO_REGIONS, 'No regions are registered with the national gateway')] };
    }
    // The patient locator narrows a patient fetch to the regions that may hold the patient.
    const nhsNumbers = this.options.locator ? patientNhsNumbers(prepared.root, variables) : null;
    const routed = nhsNumbers && this.options.locator ? this.options.locator.route(route.targets, nhsNumbers) : { ask: [...route.targets], skipped: [], decisions: [] };
    this.countDecisions(routed.decisions);
    const skipped = routed.skipped.map((r) => r.code);
    if (routed.ask.length === 0) {
      const data = answerWithoutRegions(prepared.root, variables);
      stampCompleteness(prepared.root, data, variables, { asked: [], skipped }, regionsAskedFor);
      return { data };
    }
    // Serialised once, sent to every region asked.
    const body = JSON.stringify({ query: prepared.query, variables, ...(fetchRequest.operationName ? { operationName: fetchRequest.operationName } : {}) });
    const outcomes = await Promise.all(routed.ask.map((region) => this.callRegion(region, body)));
    // Health checks and schema loading carry no request context; incoming operations do.
    const audit = (options.context as Partial<GatewayContext> | undefined)?.audit;
    const failureErrors: GraphQLFormattedError[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind === 'answer') {
        const { answer } = outcome;
        if (outcome.membership) this.options.locator?.observe(answer.region.code, outcome.membership);
        audit?.recordRegion(answer.region.code, 'OK', countStudies(prepared.root, answer.data));
        if (audit) collectNhsNumbers(prepared.root, answer.data, audit.nhsNumbers);
      } else {
        audit?.recordRegion(outcome.failure.region.code, outcome.failure.status, null);
        failureErrors.push(
          formattedError(outcome.failure.status === 'TIMEOUT' ? GatewayErrorCode.REGION_TIMEOUT : GatewayErrorCode.REGION_UNAVAILABLE, outcome.message, {
            region: outcome.failure.region.code,
          }),
        );
      }
    }
    const merged = mergeRegionAnswers({
      root: prepared.root,
      variables,
      outcomes,
      skipped,
      suppressionThreshold: this.options.suppressionThreshold ?? GATEWAY_DEFAULTS.suppressionThreshold,
      regionsAskedFor,
    });
    const errors = [...merged.errors, ...failureErrors];
    return { data: merged.data, ...(errors.length > 0 ? { errors } : {}) };
  }

  /** One counter update per kind of decision, not per region (42 regions, thousands of lookups a second). */
  private countDecisions(decisions: readonly LocatorDecision[]): void {
    const tally = new Map<LocatorDecision, number>();
    for (const d of decisions) tally.set(d, (tally.get(d) ?? 0) + 1);
    for (const [decision, n] of tally) this.options.metrics.locatorDecisions.inc({ decision }, n);
  }

  private prepare(query: string): PreparedOperation {
    let prepared = this.prepared.get(query);
    if (!prepared) {
      prepared = prepareFanOutOperation(query, this.options.schema);
      this.prepared.set(query, prepared);
    }
    return prepared;
  }

  private async callRegion(region: RegionEndpoint, body: string): Promise<Outcome> {
    const { metrics, logger } = this.options;
    const ref = { code: region.code, name: region.name };
    const label = `${region.code} (${region.name})`;
    if (!region.breaker.tryAcquire()) {
      metrics.regionRequests.inc({ region: region.code, outcome: 'skipped' });
      return { kind: 'failure', failure: { region: ref, status: 'UNAVAILABLE', latencyMs: 0 }, message: `Region ${label} is unavailable: it has failed repeatedly and is skipped until it recovers` };
    }
    const budget = region.timeoutMs ?? this.defaultTimeoutMs;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const fail = (status: RegionFailureStatus, message: string, detail?: string, countsAgainstRegion = true): Outcome => {
      // A region refusing what we sent (validation) is not the region being down: it must
      // not open the breaker, or one odd query could switch a region off for everyone.
      if (countsAgainstRegion) region.breaker.onFailure();
      else region.breaker.onSuccess();
      metrics.regionRequests.inc({ region: region.code, outcome: status.toLowerCase() });
      logger.warn({ region: region.code, status, detail, latencyMs: elapsed() }, 'region fetch failed');
      return { kind: 'failure', failure: { region: ref, status, latencyMs: elapsed() }, message };
    };
    let status: number;
    let text: string;
    let answerSignature: string | undefined;
    const sentHeaders = this.options.regionHeaders?.(region, body) ?? {};
    // Our own timer, cleared on answer: AbortSignal.timeout leaves one behind per call that
    // fires later and builds a DOMException (measurable CPU at national load).
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), budget);
    try {
      const res = await request(region.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', accept: 'application/json', ...sentHeaders },
        body,
        signal: controller.signal,
      });
      status = res.statusCode;
      text = await res.body.text();
      const signature = res.headers[ANSWER_SIGNATURE_HEADER];
      answerSignature = typeof signature === 'string' ? signature : undefined;
    } catch (err) {
      const e = err as Error & { code?: string };
      if (controller.signal.aborted) return fail('TIMEOUT', `Region ${label} did not answer within ${budget} ms`);
      return fail('UNAVAILABLE', `Region ${label} is unavailable: ${e.code === 'ECONNREFUSED' ? 'connection refused' : 'connection failed'}`, e.code ?? e.message);
    } finally {
      clearTimeout(timer);
    }
    metrics.regionDuration.observe({ region: region.code }, elapsed() / 1000);
    if (this.options.checkAnswer && !this.options.checkAnswer(region, sentHeaders, answerSignature, text)) {
      return fail('UNAVAILABLE', `Region ${label} is unavailable: its answer is not signed with the region's secret`, `HTTP ${status}, unsigned or badly signed answer`);
    }
    let parsed: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[]; extensions?: { membership?: MembershipPosition } };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return fail('UNAVAILABLE', `Region ${label} is unavailable: it answered HTTP ${status} without a GraphQL response`);
    }
    const errors = Array.isArray(parsed.errors) ? parsed.errors : [];
    // Only errors about the caller's input are the caller's business; anything else means
    // the region could not serve its part, so its data is not trusted as complete.
    const internal = errors.filter((e) => e.extensions?.code !== GatewayErrorCode.BAD_USER_INPUT);
    if (status !== 200 && errors.length === 0) return fail('UNAVAILABLE', `Region ${label} is unavailable: it answered HTTP ${status}`);
    if (internal.length > 0) {
      const refusedRequest = internal.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)));
      return refusedRequest
        ? fail('UNAVAILABLE', `Region ${label} could not answer this query: it rejected it as invalid for its schema`, internal[0]?.message, false)
        : fail('UNAVAILABLE', `Region ${label} is unavailable: it reported an internal error`, internal[0]?.message);
    }
    region.breaker.onSuccess();
    metrics.regionRequests.inc({ region: region.code, outcome: 'ok' });
    const position = parsed.extensions?.membership;
    const membership = position && typeof position.epoch === 'string' && Number.isSafeInteger(position.seq) ? position : null;
    return { kind: 'answer', answer: { region: ref, latencyMs: elapsed(), data: parsed.data ?? null, errors }, membership };
  }
}
