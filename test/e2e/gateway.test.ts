import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createGraphQLHandler } from '../../lib/http/createGraphQLHandler';
import { startDelayProxy } from '../support/startDelayProxy';
import { answerHeaders } from '../../subgraphs/region/answerHeaders';
import { SIGNATURE_HEADER } from '../../lib/security/gatewaySignature';
import { startTopology, type Topology } from '../support/startTopology';
import { studyInput, testNhsNumber } from '../support/studyInputs';
import { postGraphQL } from '../support/postGraphQL';

const mover = testNhsNumber(100); // studies in all three regions
const local = testNhsNumber(101); // Leeds only

const HISTORY = `query($nhs: String!, $filter: StudyFilter, $first: Int) {
  patient(nhsNumber: $nhs) {
    nhsNumber
    imagingHistory(filter: $filter, first: $first) {
      complete
      sources { region { code name } status latencyMs studyCount }
      studies { studyInstanceUid studyDate modalities region { code } locations { region { code } retrieve { wadoRsUrl } } }
    }
  }
}`;

const uids = (res: any): string[] => res.data.patient.imagingHistory.studies.map((s: { studyInstanceUid: string }) => s.studyInstanceUid.split('.').pop());

describe('national gateway over three real regions', () => {
  let topology: Topology;

  beforeAll(async () => {
    topology = await startTopology({
      regionTimeoutMs: 1000,
      breakerFailures: 2,
      breakerOpenMs: 1500,
      regions: [
        {
          code: 'LDS',
          name: 'West Yorkshire',
          studies: [
            studyInput('11', mover, { studyDate: '2012-04-01', modalities: ['CR'] }),
            studyInput('12', mover, { studyDate: '2022-09-15', modalities: ['CT'] }),
            studyInput('77', mover, { studyDate: '2019-05-05', modalities: ['MR'] }),
            studyInput('13', local, { studyDate: '2021-01-01', modalities: ['US'] }),
          ],
        },
        {
          code: 'LON',
          name: 'North Central London',
          studies: [
            studyInput('21', mover, { studyDate: '2024-02-20', modalities: ['MR'] }),
            studyInput('22', mover, { studyDate: '2016-08-08', modalities: ['CT', 'PT'] }),
            // The same study shared with Leeds: shown once, with both locations.
            studyInput('77', mover, { studyDate: '2019-05-05', modalities: ['MR'] }),
          ],
        },
        { code: 'MAN', name: 'Greater Manchester', studies: [studyInput('31', mover, { studyDate: '2023-11-30', modalities: ['US'] })] },
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await topology?.stop();
  });

  it('returns the history merged from three regions newest first, with every source', async () => {
    const res = await topology.query(HISTORY, { nhs: mover });
    expect(res.errors).toBeUndefined();
    expect(uids(res)).toEqual(['21', '31', '12', '77', '22', '11']);
    const history = res.data.patient.imagingHistory;
    expect(history.complete).toBe(true);
    expect(history.sources.map((s: any) => [s.region.code, s.status, s.studyCount])).toEqual([
      ['LDS', 'OK', 3],
      ['LON', 'OK', 3],
      ['MAN', 'OK', 1],
    ]);
    expect(history.sources.every((s: any) => Number.isInteger(s.latencyMs) && s.latencyMs >= 0)).toBe(true);
  });

  it('shows a study held by two regions once, with both locations', async () => {
    const res = await topology.query(HISTORY, { nhs: mover });
    const shared = res.data.patient.imagingHistory.studies.filter((s: any) => s.studyInstanceUid.endsWith('.77'));
    expect(shared).toHaveLength(1);
    expect(shared[0].locations.map((l: any) => l.region.code)).toEqual(['LDS', 'LON']);
    expect(shared[0].locations[1].retrieve.wadoRsUrl).toContain('pacs.lon.example.nhs.uk');
  });

  it('applies first to the combined list and filters in every region', async () => {
    expect(uids(await topology.query(HISTORY, { nhs: mover, first: 2 }))).toEqual(['21', '31']);
    expect(uids(await topology.query(HISTORY, { nhs: mover, filter: { modalities: ['CT'] } }))).toEqual(['12', '22']);
    expect(uids(await topology.query(HISTORY, { nhs: mover, filter: { from: '2016-01-01', to: '2022-12-31' }, first: 3 }))).toEqual(['12', '77', '22']);
  });

  it('sends a query that names regions to those regions only', async () => {
    const res = await topology.query(HISTORY, { nhs: mover, filter: { regions: ['MAN'] } });
    expect(uids(res)).toEqual(['31']);
    expect(res.data.patient.imagingHistory.sources.map((s: any) => s.region.code)).toEqual(['MAN']);
    const none = await topology.query(HISTORY, { nhs: mover, filter: { regions: [] } });
    expect(none.errors?.[0]).toMatchObject({ message: expect.stringMatching(/filter.regions is empty/), extensions: { code: 'BAD_USER_INPUT' } });
    const unknown = await topology.query(HISTORY, { nhs: mover, filter: { regions: ['XYZ'] } });
    expect(unknown.errors?.[0]).toMatchObject({ message: expect.stringMatching(/unknown region\(s\) XYZ; registered regions: LDS, LON, MAN/), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('refuses a malformed NHS number once, at the gateway', async () => {
    const res = await topology.query(HISTORY, { nhs: '943 476 5918' });
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0]).toMatchObject({ message: 'NHS number check digit is wrong', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('has no way to send a write to the regions', async () => {
    const res = await topology.query(`mutation { upsertStudies(studies: []) { accepted } }`);
    expect(res.errors?.[0]?.message).toMatch(/Cannot query field "upsertStudies" on type "Mutation"/);
  });

  it('cuts a slow region off at its budget and answers in time', async () => {
    // A real region behind a proxy that holds every answer for 5 s, with a 300 ms budget.
    const slowRegion = await topology.addRegion({ code: 'SLOW', name: 'Slow Region', studies: [studyInput('51', mover, { studyDate: '2001-01-01' })] });
    const proxy = await startDelayProxy(slowRegion.url, 5000);
    try {
      const registered = await topology.register('SLOW', 'Slow Region', proxy.url, 300);
      expect(registered.errors).toBeUndefined();
      const started = Date.now();
      const res = await topology.query(HISTORY, { nhs: mover });
      const took = Date.now() - started;
      expect(took).toBeLessThan(1500);
      expect(uids(res)).toEqual(['21', '31', '12', '77', '22', '11']);
      expect(res.errors).toEqual([{ message: 'Region SLOW (Slow Region) did not answer within 300 ms', extensions: { code: 'REGION_TIMEOUT', region: 'SLOW'} }]);
      const sources = res.data.patient.imagingHistory.sources;
      expect(sources.find((s: any) => s.region.code === 'SLOW')).toMatchObject({ status: 'TIMEOUT', studyCount: null });
      expect(res.data.patient.imagingHistory.complete).toBe(false);
    } finally {
      await postGraphQL(topology.gatewayUrl, `mutation { deregisterRegion(code: "SLOW") { deregistered } }`, {}, topology.adminHeaders);
      await proxy.stop();
      await topology.stopRegion('SLOW');
    }
  });

  it('finishes a query in flight when its region is deregistered meanwhile', async () => {
    const fly = await topology.addRegion({ code: 'FLY', name: 'In Flight', studies: [studyInput('61', mover, { studyDate: '2002-02-02' })] });
    const proxy = await startDelayProxy(fly.url, 800);
    try {
      // A budget far above the proxy's delay, so that a busy machine cannot turn it into a timeout.
      expect((await topology.register('FLY', 'In Flight', proxy.url, 10_000)).errors).toBeUndefined();
      const inFlight = topology.query(HISTORY, { nhs: mover });
      await proxy.queryArrived; // the fan-out has reached the region
      const dereg = await postGraphQL(topology.gatewayUrl, `mutation { deregisterRegion(code: "FLY") { deregistered } }`, {}, topology.adminHeaders);
      expect(dereg.data.deregisterRegion.deregistered).toBe(true);
      const res = await inFlight;
      expect(res.errors).toBeUndefined();
      expect(uids(res)).toContain('61');
      expect(uids(await topology.query(HISTORY, { nhs: mover }))).not.toContain('61');
    } finally {
      await proxy.stop();
      await topology.stopRegion('FLY');
    }
  });

  describe('registration', () => {
    let incompatible: { url: string; stop(): Promise<void> };
    beforeAll(async () => {
      // A real subgraph whose Patient lacks imagingHistory.
      const apollo = new ApolloServer({
        schema: buildSubgraphSchema([{ typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
          type Query { patient(nhsNumber: String!): Patient }
          type Patient @key(fields: "nhsNumber") { nhsNumber: String! }`) }]),
      });
      await apollo.start();
      // It holds BAD's secret (it proves possession), so what is refused is its schema.
      const handler = createGraphQLHandler(apollo, {
        maxBodyBytes: 65536,
        context: async () => ({}),
        signAnswer: (req, body) => answerHeaders(topology.auth.regionSecret('BAD'), req.headers[SIGNATURE_HEADER], body),
      });
      const server = http.createServer((req, res) => void handler(req, res));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      incompatible = {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
        stop: async () => {
          server.closeAllConnections();
          await new Promise<void>((r) => server.close(() => r()));
          await apollo.stop();
        },
      };
    });
    afterAll(async () => incompatible.stop());

    it('refuses an incompatible subgraph with the reason', async () => {
      const res = await topology.register('BAD', 'Incompatible', incompatible.url);
      expect(res.errors?.[0]?.extensions?.code).toBe('REGISTRATION_REFUSED');
      expect(res.errors?.[0]?.message).toMatch(/Region BAD was not registered: schema incompatible with the regional contract: .*imagingHistory/);
    });

    it('refuses an endpoint that does not answer', async () => {
      const res = await topology.register('GONE', 'Nobody home', 'http://127.0.0.1:9/graphql');
      expect(res.errors?.[0]?.message).toMatch(/endpoint is unreachable \(ECONNREFUSED\)/);
    });

    it('refuses registration to clinicians, and to an archive for another region', async () => {
      const register = `mutation { registerRegion(input: { code: "X1", name: "x", url: "http://127.0.0.1:9/graphql" }) { code } }`;
      const clinician = await topology.query(register);
      expect(clinician.errors?.[0]).toMatchObject({ message: expect.stringMatching(/Access to Mutation.registerRegion is denied: it needs role ARCHIVE or ADMIN/), extensions: { code: 'FORBIDDEN' } });
      const archive = await topology.query(register, {}, await topology.auth.headers({ role: 'ARCHIVE', region: 'LDS' }));
      expect(archive.errors?.[0]).toMatchObject({ message: expect.stringMatching(/only its own region \(LDS\), not X1/), extensions: { code: 'FORBIDDEN' } });
    });

    it('adds a compatible region at run time and its studies appear without restart', async () => {
      const added = await topology.addRegion({ code: 'NEW', name: 'New Region', studies: [studyInput('41', mover, { studyDate: '2025-06-01', modalities: ['DX'] })] });
      expect(uids(await topology.query(HISTORY, { nhs: mover }))).not.toContain('41');
      try {
        const res = await topology.register('NEW', 'New Region', added.url);
        expect(res.data.registerRegion).toEqual({ code: 'NEW', name: 'New Region', timeoutMs: null, circuit: 'CLOSED' });
        const history = await topology.query(HISTORY, { nhs: mover });
        expect(history.data.patient.imagingHistory.sources.map((s: any) => s.region.code)).toEqual(['LDS', 'LON', 'MAN', 'NEW']);
        expect(uids(history)[0]).toBe('41');
        const dereg = await postGraphQL(topology.gatewayUrl, `mutation { deregisterRegion(code: "NEW") { code deregistered } }`, {}, topology.adminHeaders);
        expect(dereg.data.deregisterRegion).toEqual({ code: 'NEW', deregistered: true });
        const after = await topology.query(HISTORY, { nhs: mover });
        expect(after.data.patient.imagingHistory.sources.map((s: any) => s.region.code)).toEqual(['LDS', 'LON', 'MAN']);
        expect(uids(after)).not.toContain('41');
      } finally {
        await postGraphQL(topology.gatewayUrl, `mutation { deregisterRegion(code: "NEW") { deregistered } }`, {}, topology.adminHeaders);
        await topology.stopRegion('NEW');
      }
    });

    it('keeps registrations across a gateway restart', async () => {
      await topology.restartGateway();
      const res = await topology.query(`{ regions { code name circuit } }`, {}, topology.adminHeaders);
      expect(res.data.regions.map((r: any) => r.code)).toEqual(['LDS', 'LON', 'MAN']);
      expect(uids(await topology.query(HISTORY, { nhs: mover }))).toHaveLength(6);
    });
  });

  describe('when a region stops', () => {
    /** Runs `body` with LON stopped, then starts it again and waits until histories are complete. */
    async function withLonStopped(body: () => Promise<void>): Promise<void> {
      await topology.stopRegion('LON');
      try {
        await body();
      } finally {
        if (!topology.regions.get('LON')!.process) await topology.startRegion('LON');
        // Its breaker may be open: wait for the probe to close it (breakerOpenMs 1500).
        for (let i = 0; i < 20 && (await topology.query(HISTORY, { nhs: mover })).data?.patient?.imagingHistory?.complete !== true; i++) {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }

    it("returns the other regions' studies, an error naming it, and complete false", () =>
      withLonStopped(async () => {
        const res = await topology.query(HISTORY, { nhs: mover });
        expect(uids(res)).toEqual(['31', '12', '77', '11']);
        expect(res.errors).toEqual([
          { message: 'Region LON (North Central London) is unavailable: connection refused', extensions: { code: 'REGION_UNAVAILABLE', region: 'LON' } },
        ]);
        const history = res.data.patient.imagingHistory;
        expect(history.complete).toBe(false);
        expect(history.sources.find((s: any) => s.region.code === 'LON')).toMatchObject({ status: 'UNAVAILABLE', studyCount: null });
        // The Leeds copy of the shared study is still there, with Leeds as its only location.
        expect(history.studies.find((s: any) => s.studyInstanceUid.endsWith('.77')).locations.map((l: any) => l.region.code)).toEqual(['LDS']);
      }));

    it('skips the region at once after repeated failures, then probes it back in', () =>
      withLonStopped(async () => {
        await topology.query(HISTORY, { nhs: mover });
        await topology.query(HISTORY, { nhs: mover }); // second consecutive failure opens the circuit
        const regions = await topology.query(`{ regions { code circuit } }`, {}, topology.adminHeaders);
        expect(regions.data.regions.find((r: any) => r.code === 'LON').circuit).toBe('OPEN');
        const skipped = await topology.query(HISTORY, { nhs: mover });
        expect(skipped.errors?.[0]?.message).toMatch(/LON .* is unavailable: it has failed repeatedly and is skipped/);
        await topology.startRegion('LON');
        await new Promise((r) => setTimeout(r, 1600)); // breakerOpenMs
        const back = await topology.query(HISTORY, { nhs: mover });
        expect(back.errors).toBeUndefined();
        expect(back.data.patient.imagingHistory.complete).toBe(true);
        expect(uids(back)).toEqual(['21', '31', '12', '77', '22', '11']);
      }));

    it('counts the failure in Prometheus metrics', () =>
      withLonStopped(async () => {
        await topology.query(HISTORY, { nhs: mover });
        const metrics = await (await fetch(`${topology.baseUrl}/metrics`)).text();
        expect(metrics).toMatch(/gateway_region_requests_total\{region="LON",outcome="unavailable"\} [1-9]/);
        expect(metrics).toMatch(/gateway_graphql_requests_total\{outcome="partial"\} [1-9]/);
      }));
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    await topology.query(HISTORY, { nhs: mover });
    expect((await fetch(`${topology.baseUrl}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`${topology.baseUrl}/readyz`)).json();
    expect(ready).toMatchObject({ status: 'ready', regions: 3 });
    const metrics = await (await fetch(`${topology.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/gateway_region_requests_total\{region="LDS",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/gateway_region_request_duration_seconds_bucket\{le="0.05",region="MAN"\}/);
  });
});
