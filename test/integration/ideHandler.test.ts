import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createIdeHandler, IDE_CONTENT_SECURITY_POLICY } from '../../gateway/ide/createIdeHandler';
import { defaultExamples } from '../../gateway/ide/defaultExamples';
import { IDE_TEST_NHS_NUMBER, startIdeTestGateway, type IdeTestGateway } from '../support/startIdeTestGateway';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** node:http rather than fetch, which would hide Content-Encoding by decompressing. */
function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Every <script ...> opening tag in a page. */
function scriptTags(html: string): string[] {
  return html.match(/<script\b[^>]*>/g) ?? [];
}

function assetUrls(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/ide\/assets\/[^"]+)"/g)].map((match) => match[1]!);
}

describe('the IDE handler over HTTP', () => {
  let gateway: IdeTestGateway;

  beforeAll(async () => {
    gateway = await startIdeTestGateway({ defaultHeaders: '{"Authorization": "Bearer "}' });
  });

  afterAll(async () => {
    await gateway.stop();
  });

  it.each(['/ide', '/ide/'])('serves the page at %s with a policy that allows its own origin only', async (path) => {
    const res = await send(`${gateway.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(IDE_CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');

    const policy = IDE_CONTENT_SECURITY_POLICY;
    expect(policy).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(policy).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(policy).not.toMatch(/https?:|\*|unsafe-inline|unsafe-eval|blob:/);

    const html = res.body.toString('utf8');
    // Nothing inline that runs: every script is a same-origin file or a JSON data block.
    for (const tag of scriptTags(html)) expect(tag).toMatch(/src="\/ide\/assets\/|type="application\/json"/);
    expect(html).not.toMatch(/<style|style="/);
    expect(assetUrls(html).length).toBe(8);
  });

  it('serves each asset with its content type, compressed, under an immutable versioned URL', async () => {
    const page = (await send(`${gateway.url}/ide`)).body.toString('utf8');
    const script = assetUrls(page).find((url) => url.startsWith('/ide/assets/graphiql.min.js?v='))!;
    const style = assetUrls(page).find((url) => url.startsWith('/ide/assets/graphiql.min.css?v='))!;
    const graphiqlDir = join(__dirname, '..', '..', 'node_modules', 'graphiql');

    const js = await send(`${gateway.url}${script}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect(js.body.length).toBeLessThan(400_000);
    expect(gunzipSync(js.body).equals(readFileSync(join(graphiqlDir, 'graphiql.min.js')))).toBe(true);

    const css = await send(`${gateway.url}${style}`);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.body.equals(readFileSync(join(graphiqlDir, 'graphiql.min.css')))).toBe(true);
  });

  it('answers a revalidation with 304 and no body, and a stale or missing version with no-cache', async () => {
    const first = await send(`${gateway.url}/ide/assets/react.production.min.js`);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/".+"$/);

    const again = await send(`${gateway.url}/ide/assets/react.production.min.js?v=stale`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers['cache-control']).toBe('no-cache');

    const head = await send(`${gateway.url}/ide/assets/react.production.min.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(first.body.length);
    expect(head.body.length).toBe(0);
  });

  it.each([
    ['GET', '/ide/assets/unknown.js'],
    ['GET', '/ide/assets/'],
    ['GET', '/ide/assets/../package.json'],
    ['GET', '/idea'],
    ['GET', '//'],
    ['GET', '//elsewhere.example/ide'],
    ['POST', '/ide'],
  ])('leaves %s %s to the rest of the gateway', async (method, path) => {
    const res = await send(`${gateway.url}${path}`, { method });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString('utf8'))).toEqual({ error: 'not found' });
  });

  it('sends a browser opening the gateway root to the IDE', async () => {
    const res = await send(`${gateway.url}/`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/ide');
  });

  it('runs every default example against the regional contract without errors', async () => {
    for (const example of defaultExamples(IDE_TEST_NHS_NUMBER)) {
      const forAnalysts = example.name.includes('analysts');
      const res = await send(`${gateway.url}${gateway.graphqlPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(forAnalysts ? gateway.analystHeaders : gateway.clinicianHeaders) },
        body: JSON.stringify({ query: example.query, variables: JSON.parse(example.variables ?? '{}') }),
      });
      const body = JSON.parse(res.body.toString('utf8')) as { data?: { patient: unknown }; errors?: unknown };
      expect({ example: example.name, errors: body.errors }).toEqual({ example: example.name, errors: undefined });
      expect(forAnalysts ? body.data : body.data?.patient).toBeTruthy();
    }
  });
});

describe('createIdeHandler', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<string> {
    server = createServer((req, res) => {
      if (!handler(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('keeps example text that looks like markup inside the config block, unchanged', async () => {
    const query = 'query Tricky { __typename } # </script><script>alert(1)</script> <!-- & \u2028';
    const url = await serve(
      createIdeHandler({ graphqlPath: '/graphql', title: 'Imaging <IDE> & "co"', examples: [{ name: 'tricky', query }] }),
    );
    const html = (await send(`${url}/ide`)).body.toString('utf8');
    expect(html).toContain('<title>Imaging &#60;IDE&#62; &#38; &#34;co&#34;</title>');
    expect(html).not.toContain('<script>alert(1)');
    const block = /<script type="application\/json" id="ide-config">([^<]*)<\/script>/.exec(html);
    expect(block).not.toBeNull();
    const config = JSON.parse(block![1]!) as { graphqlPath: string; tabs: Array<{ query: string }> };
    expect(config.graphqlPath).toBe('/graphql');
    expect(config.tabs.map((tab) => tab.query)).toEqual([`# tricky\n${query}`]);
  });

  it.each(['https://elsewhere.example/graphql', '//elsewhere.example/graphql', 'graphql'])(
    'refuses a GraphQL endpoint %s that is not a path on its own origin',
    (graphqlPath) => {
      expect(() => createIdeHandler({ graphqlPath, examples: [] })).toThrow(/own origin/);
    },
  );

  it.each(['Bearer abc', '["Authorization"]', '{"Authorization": 1}', 'null'])(
    'refuses default headers %s that are not a JSON object of strings',
    (defaultHeaders) => {
      expect(() => createIdeHandler({ graphqlPath: '/graphql', examples: [], defaultHeaders })).toThrow(/defaultHeaders/);
    },
  );
});

describe('defaultExamples', () => {
  it('puts the normalised NHS number into every example', () => {
    const examples = defaultExamples('999 000 0018');
    const patientExamples = examples.filter((example) => example.query.includes('patient('));
    expect(patientExamples).toHaveLength(3);
    expect(patientExamples.map((example) => JSON.parse(example.variables ?? '{}').nhsNumber)).toEqual([
      IDE_TEST_NHS_NUMBER,
      IDE_TEST_NHS_NUMBER,
      IDE_TEST_NHS_NUMBER,
    ]);
  });

  it('refuses an NHS number with a wrong check digit', () => {
    expect(() => defaultExamples('9990000019')).toThrow(/check digit/);
  });
});
