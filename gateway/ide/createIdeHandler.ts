import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '../../lib/auth/Role';
import type { IdeViewer } from '../session/IdeViewer';
import { createIdeAsset, type IdeAsset } from './IdeAsset';
import type { IdeExample } from './IdeExample';
import { loadIdeAssets } from './loadIdeAssets';
import { renderIdePage } from './renderIdePage';

/** Options for {@link createIdeHandler}. */
export interface IdeHandlerOptions {
  /**
   * Path of the gateway's GraphQL endpoint on the same origin, e.g. "/graphql". The
   * page's CSP lets the browser connect to its own origin only.
   */
  graphqlPath: string;
  /** One tab per example, in this order; the first is open when the page loads. */
  examples: IdeExample[];
  /** The page title. */
  title?: string;
  /**
   * Initial content of every tab's headers editor (examples and new tabs), as JSON text, e.g.
   * `{"Authorization": "Bearer "}` so analysts only paste their token. It is sent inside
   * the page, so never put a real token here.
   */
  defaultHeaders?: string;
  /**
   * Sign-in (gateway/session/): the page offers the providers, and for a signed-in user
   * shows who they are, their role's examples instead of `examples`, and a sign-out button.
   */
  signIn?: IdeSignInView;
}

/** What the IDE page needs from the gateway's sign-in. */
export interface IdeSignInView {
  providers: Array<{ id: string; label: string }>;
  viewer(req: IncomingMessage): Promise<IdeViewer | null>;
  examplesFor(role: Role): IdeExample[];
  loginPath: string;
  logoutPath: string;
  csrfHeader: string;
}

/** Where the IDE lives; its files are under `${IDE_PATH}/assets/`. */
const IDE_PATH = '/ide';

/**
 * The one <style> element GraphiQL 3 adds at run time: react-remove-scroll-bar's scroll
 * lock, inserted whenever a dialog (settings, short keys) opens. Its text depends on
 * the page's scrollbar width and body margins, which ide.css pins to zero, so its hash
 * is fixed and can be allowed instead of 'unsafe-inline'. A GraphiQL upgrade that
 * changes it shows up as a CSP violation in test/e2e/ide.test.ts, whose message
 * gives the new hash; blocking it would only cost a console error, not the dialog.
 */
const GRAPHIQL_SCROLL_LOCK_STYLE = "'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc='";

/**
 * Only this origin, for everything. data: is needed for the fonts and images that
 * graphiql.min.css embeds, and for the page's empty icon. GraphiQL 3 needs no eval,
 * no inline script and no inline style but the one hashed above.
 */
export const IDE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${GRAPHIQL_SCROLL_LOCK_STYLE}`,
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS_PREFIX = `${IDE_PATH}/assets/`;
const DEFAULT_TITLE = 'National imaging index: GraphQL IDE';
/** For asset URLs carrying the content hash, which change whenever the content does. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the analysts' GraphQL IDE (GraphiQL 3) entirely from the gateway's own files:
 * GET /ide (or /ide/) is the page, /ide/assets/* its scripts and styles. The returned
 * function answers and returns true for those requests, and returns false without
 * touching the response for anything else, so the caller can route it on.
 * Reads and compresses the assets once, here; throws if the options are unusable.
 */
export function createIdeHandler(options: IdeHandlerOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  if (!options.graphqlPath.startsWith('/') || options.graphqlPath.startsWith('//')) {
    throw new Error(`graphqlPath must be a path on the gateway's own origin, got ${JSON.stringify(options.graphqlPath)}`);
  }
  if (options.defaultHeaders !== undefined) checkHeadersJson(options.defaultHeaders);

  const assets = loadIdeAssets();
  const { signIn } = options;
  const signInConfig = signIn
    ? { providers: signIn.providers, loginPath: signIn.loginPath, logoutPath: signIn.logoutPath, csrfHeader: signIn.csrfHeader }
    : undefined;
  const render = (examples: IdeExample[], headers: string | null, viewer: IdeViewer | null): IdeAsset => {
    const html = renderIdePage({
      title: options.title ?? DEFAULT_TITLE,
      config: {
        graphqlPath: options.graphqlPath,
        tabs: examples.map((example) => ({
          // GraphiQL titles a tab with the operation name; the example's own name goes
          // on the first line so it stays visible in the editor.
          query: `# ${example.name.replace(/\s+/g, ' ')}\n${example.query}`,
          variables: example.variables ?? null,
          headers,
        })),
        ...(headers === null ? {} : { defaultHeaders: headers }),
        ...(signInConfig ? { signIn: signInConfig } : {}),
        ...(viewer
          ? { viewer: { name: viewer.name, userId: viewer.userId, role: viewer.role, organisation: viewer.organisation, purposeOfUse: viewer.purposeOfUse, csrfToken: viewer.csrfToken } }
          : {}),
      },
      assetUrl: (name) => {
        const asset = assets.get(name);
        if (!asset) throw new Error(`the IDE page refers to an asset it does not have: ${name}`);
        return `${ASSETS_PREFIX}${name}?v=${asset.hash}`;
      },
    });
    return createIdeAsset('text/html; charset=utf-8', Buffer.from(html, 'utf8'));
  };
  const page = render(options.examples, options.defaultHeaders ?? null, null);
  // A signed-in user's page carries their CSRF token: rendered per request, never cached.
  const servePage = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let viewer: IdeViewer | null = null;
    try {
      viewer = signIn ? await signIn.viewer(req) : null;
    } catch {
      viewer = null;
    }
    sendAsset(req, res, viewer && signIn ? render(signIn.examplesFor(viewer.role), null, viewer) : page, 'no-store');
  };

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    // Split by hand: new URL() throws on request targets such as "//", and a throw
    // here would escape the server's request listener.
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const path = queryStart === -1 ? target : target.slice(0, queryStart);
    if (path === IDE_PATH || path === `${IDE_PATH}/`) {
      // The page can carry default headers or a session's CSRF token; keep it out of every cache.
      if (signIn) void servePage(req, res);
      else sendAsset(req, res, page, 'no-store');
      return true;
    }
    if (!path.startsWith(ASSETS_PREFIX)) return false;
    const asset = assets.get(path.slice(ASSETS_PREFIX.length));
    if (!asset) return false;
    const version = queryStart === -1 ? null : new URLSearchParams(target.slice(queryStart + 1)).get('v');
    sendAsset(req, res, asset, version === asset.hash ? IMMUTABLE : 'no-cache');
    return true;
  };
}

function checkHeadersJson(text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const isObjectOfStrings =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((value) => typeof value === 'string');
  if (!isObjectOfStrings) {
    throw new Error('defaultHeaders must be JSON text of an object mapping header names to strings');
  }
}

function sendAsset(req: IncomingMessage, res: ServerResponse, asset: IdeAsset, cacheControl: string): void {
  const common: Record<string, string | number> = {
    'content-type': asset.contentType,
    'cache-control': cacheControl,
    etag: `W/"${asset.hash}"`,
    vary: 'Accept-Encoding',
    'content-security-policy': IDE_CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  if (matchesEtag(req.headers['if-none-match'], asset.hash)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  const body = gzip ? asset.gzipped : asset.body;
  res.writeHead(200, { ...common, 'content-length': body.length, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Weak comparison (RFC 9110 13.1.2): the gzipped and plain bodies share one ETag. */
function matchesEtag(ifNoneMatch: string | undefined, hash: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === `"${hash}"`);
}

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  return acceptEncoding.split(',').some((entry) => {
    const [coding, ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (coding !== 'gzip') return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
