/** A browser's cookie store, just enough for the sign-in dance: cookies per host, paths ignored. */
export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();
  /** Every Set-Cookie header seen, for tests of cookie attributes. */
  readonly setCookies: string[] = [];

  header(url: string): string {
    return [...(this.byHost.get(new URL(url).host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  take(url: string, res: Response): void {
    const host = new URL(url).host;
    const cookies = this.byHost.get(host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) cookies.delete(name);
      else cookies.set(name, pair!.slice(eq + 1).trim());
    }
    this.byHost.set(host, cookies);
  }

  delete(url: string, name: string): void {
    this.byHost.get(new URL(url).host)?.delete(name);
  }

  get(url: string, name: string): string | undefined {
    return this.byHost.get(new URL(url).host)?.get(name);
  }
}

export interface FetchSession {
  jar: CookieJar;
  /** The session's CSRF token, as the IDE page gives it to its scripts. */
  csrfToken: string | null;
  /** The last page the dance ended on (the IDE, or the gateway's problem page). */
  status: number;
  body: string;
}

/**
 * Signs in the way a browser would, with fetch: the gateway's login route, the demo
 * provider's user list (picks `account`), the provider's redirects, the gateway's
 * callback, then the IDE page, whose configuration carries the CSRF token.
 */
export async function signInWithFetch(
  gatewayBase: string,
  provider: 'staff' | 'patient',
  account: string,
  /** Arrive at the callback as another browser would: without the cookie set when the sign-in started. */
  options: { otherBrowser?: boolean } = {},
): Promise<FetchSession> {
  const jar = new CookieJar();
  let url = `${gatewayBase}/ide/auth/login?provider=${provider}`;
  let method = 'GET';
  let body: string | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (options.otherBrowser && new URL(url).pathname === '/ide/auth/callback') jar.delete(url, 'ide_login');
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { cookie: jar.header(url), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(body ? { body } : {}),
    });
    jar.take(url, res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).toString();
      method = 'GET';
      body = undefined;
      continue;
    }
    const text = await res.text();
    const interaction = /^\/interaction\/([\w-]+)$/.exec(new URL(url).pathname);
    if (interaction && method === 'GET' && res.status === 200) {
      url = `${new URL(url).origin}/interaction/${interaction[1]}/login`;
      method = 'POST';
      body = new URLSearchParams({ account }).toString();
      continue;
    }
    if (res.status !== 200 || !new URL(url).pathname.endsWith('/ide/auth/callback')) return { jar, csrfToken: null, status: res.status, body: text };
    const ide = await fetch(`${gatewayBase}/ide`, { headers: { cookie: jar.header(gatewayBase) } });
    const page = await ide.text();
    const config = /<script type="application\/json" id="ide-config">(.*?)<\/script>/s.exec(page);
    const parsed = config ? (JSON.parse(config[1]!) as { viewer?: { csrfToken: string } }) : {};
    return { jar, csrfToken: parsed.viewer?.csrfToken ?? null, status: ide.status, body: page };
  }
  throw new Error('sign-in did not finish within 20 requests');
}
