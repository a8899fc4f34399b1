import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_SETUP_TIMEOUT_MS, launchChromium } from '../support/chromium';
import { IDE_TEST_NHS_NUMBER, IDE_TEST_STUDY_UID, startIdeTestGateway, type IdeTestGateway } from '../support/startIdeTestGateway';

const QUERY_EDITOR = '.graphiql-query-editor';
const VARIABLES_EDITOR = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';
const RESULT = '.result-window';

/** The CodeMirror 5 instance GraphiQL hangs on each editor's element. */
interface CodeMirrorElement {
  CodeMirror?: { getValue(): string; operationName?: string | null };
}

/**
 * The little of the browser that the functions run inside the page touch. The project
 * compiles without lib.dom (it is server code), so they reach it through globalThis
 * with these shapes; the casts are erased before Playwright sends the functions over.
 */
interface PageGlobals {
  document: {
    querySelector(selector: string): CodeMirrorElement | null;
    addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void;
  };
  cspViolations: string[];
}

interface OpenIde {
  page: Page;
  context: BrowserContext;
  /** Every URL the page asked for. */
  requests: string[];
  /** Console errors, uncaught exceptions, failed requests and CSP violations, as text. */
  problems: () => Promise<string[]>;
}

/** The whole text of the CodeMirror editor inside `selector`; its DOM holds only the visible lines. */
function editorText(page: Page, selector: string): Promise<string> {
  return page.$eval(`${selector} .CodeMirror`, (el) => (el as unknown as CodeMirrorElement).CodeMirror?.getValue() ?? '');
}

async function waitForResultContaining(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    ([selector, expected]) => {
      const { document } = globalThis as unknown as PageGlobals;
      return document.querySelector(`${selector} .CodeMirror`)?.CodeMirror?.getValue().includes(expected) ?? false;
    },
    [RESULT, text] as const,
  );
}

describe("the analysts' GraphQL IDE in a real browser", () => {
  let gateway: IdeTestGateway | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startIdeTestGateway({ prefillClinicianToken: true }), launchChromium()]);
  }, CHROMIUM_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  async function openIde(): Promise<OpenIde> {
    if (!browser || !gateway) throw new Error('beforeAll did not start the browser and the gateway');
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    // A broken page should fail a test in seconds, not at Playwright's 30 s default.
    page.setDefaultTimeout(10_000);
    const requests: string[] = [];
    const seen: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') seen.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => seen.push(`uncaught: ${error.message}`));
    page.on('requestfailed', (request) => seen.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
    // Injected by the browser, not the page, so the page's own CSP does not stop it.
    await page.addInitScript(() => {
      const win = globalThis as unknown as PageGlobals;
      win.cspViolations = [];
      win.document.addEventListener('securitypolicyviolation', (event) =>
        win.cspViolations.push(`csp: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`),
      );
    });
    const problems = async () => [...seen, ...(await page.evaluate(() => (globalThis as unknown as PageGlobals).cspViolations))];
    return { page, context, requests, problems };
  }

  it('opens on the first example, runs it with the Authorization header and shows the answer', async () => {
    const { page, context, requests, problems } = await openIde();
    await page.goto(`${gateway!.url}/ide`);
    await page.waitForSelector(`${QUERY_EDITOR} .CodeMirror`);

    const query = await editorText(page, QUERY_EDITOR);
    expect(query).toMatch(/^# Full imaging history/);
    expect(query).toContain('query PatientImagingHistory($nhsNumber: String!)');
    expect(JSON.parse(await editorText(page, VARIABLES_EDITOR))).toEqual({ nhsNumber: IDE_TEST_NHS_NUMBER });

    await page.click('.graphiql-execute-button');
    await waitForResultContaining(page, IDE_TEST_STUDY_UID);
    const result = JSON.parse(await editorText(page, RESULT)) as {
      data: { patient: { nhsNumber: string; imagingHistory: { complete: boolean; studies: Array<{ studyInstanceUid: string }> } } };
    };
    expect(result.data.patient.nhsNumber).toBe(IDE_TEST_NHS_NUMBER);
    expect(result.data.patient.imagingHistory.complete).toBe(true);
    expect(result.data.patient.imagingHistory.studies.map((study) => study.studyInstanceUid)).toEqual([IDE_TEST_STUDY_UID]);
    expect(gateway!.authorizations.at(-1)).toBe(gateway!.clinicianHeaders.Authorization);

    if (process.env.IDE_SCREENSHOT) await page.screenshot({ path: process.env.IDE_SCREENSHOT });
    expect(requests.filter((url) => !url.startsWith(`${gateway!.url}/`) && !url.startsWith('data:'))).toEqual([]);
    expect(await problems()).toEqual([]);
    await context.close();
  });

  it('offers every example in a tab of its own, with its own variables', async () => {
    const { page, context, problems } = await openIde();
    await page.goto(`${gateway!.url}/ide`);
    const tabs = page.locator('.graphiql-tab');
    await tabs.first().waitFor();
    expect((await tabs.allTextContents()).map((text) => text.replace(/icon$/, '').trim())).toEqual([
      'PatientImagingHistory',
      'RecentCtMrStudies',
      'LatestStudyWithSeries',
      'ImagingActivity',
    ]);

    await tabs.nth(1).locator('button').first().click();
    // GraphiQL works out the operation to send 100 ms after the editor changes; a
    // person cannot click that fast, a test can.
    await page.waitForFunction(
      (selector) =>
        (globalThis as unknown as PageGlobals).document.querySelector(`${selector} .CodeMirror`)?.CodeMirror?.operationName ===
        'RecentCtMrStudies',
      QUERY_EDITOR,
    );
    expect(JSON.parse(await editorText(page, VARIABLES_EDITOR))).toEqual({ nhsNumber: IDE_TEST_NHS_NUMBER, since: '2024-01-01' });
    await page.click('.graphiql-execute-button');
    await waitForResultContaining(page, IDE_TEST_STUDY_UID);
    expect(JSON.parse(await editorText(page, RESULT))).not.toHaveProperty('errors');
    expect(await problems()).toEqual([]);
    await context.close();
  });

  it("shows the schema's documentation and GraphiQL's dialogs within its content security policy", async () => {
    const { page, context, problems } = await openIde();
    await page.goto(`${gateway!.url}/ide`);
    await page.click('[aria-label="Show Documentation Explorer"]');
    // The explorer lists the schema's types once introspection has come back.
    await page.locator('.graphiql-doc-explorer').getByText('ImagingHistory', { exact: true }).waitFor();
    for (const dialog of ['Open settings dialog', 'Open short keys dialog']) {
      await page.click(`[aria-label="${dialog}"]`);
      await page.getByRole('dialog').waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    }
    expect(await problems()).toEqual([]);
    await context.close();
  });

  it('works when every other origin is unreachable', async () => {
    const { page, context, problems } = await openIde();
    const blocked: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(`${gateway!.url}/`) || url.startsWith('data:')) {
        await route.continue();
      } else {
        blocked.push(url);
        await route.abort('internetdisconnected');
      }
    });
    await page.goto(`${gateway!.url}/ide`);
    await page.waitForSelector(`${QUERY_EDITOR} .CodeMirror`);

    const assetUrls = await page.$$eval('script[src], link[href]', (elements) =>
      elements.map((el) => {
        const { src, href } = el as unknown as { src?: string; href?: string };
        return src || href || '';
      }),
    );
    expect(assetUrls.filter((url) => url.startsWith(`${gateway!.url}/ide/assets/`))).toHaveLength(8);
    expect(assetUrls.filter((url) => !url.startsWith(`${gateway!.url}/ide/assets/`) && !url.startsWith('data:'))).toEqual([]);

    await page.click('.graphiql-execute-button');
    await waitForResultContaining(page, IDE_TEST_STUDY_UID);
    expect(blocked).toEqual([]);
    expect(await problems()).toEqual([]);
    await context.close();
  });
});
