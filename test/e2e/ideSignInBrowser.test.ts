import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_SETUP_TIMEOUT_MS, launchChromium } from '../support/chromium';
import { startSignInTopology, type SignInTopology } from '../support/startSignInTopology';
import { studyInput, testNhsNumber } from '../support/studyInputs';

const PATIENT = testNhsNumber(51);
const SOMEONE_ELSE = testNhsNumber(52);
const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const RESULT = '.result-window';
const QUERY_EDITOR = '.graphiql-query-editor';

/** 6 CT, 5 US and 2 MR studies: MR is below the suppression threshold (5). */
const STUDIES = [
  ...Array.from({ length: 6 }, (_, i) => studyInput(`51.${i}`, PATIENT, { studyDate: `2024-0${(i % 3) + 1}-12`, modalities: ['CT'] })),
  ...Array.from({ length: 5 }, (_, i) => studyInput(`51.1${i}`, PATIENT, { studyDate: `2024-0${(i % 3) + 4}-12`, modalities: ['US'] })),
  ...Array.from({ length: 2 }, (_, i) => studyInput(`51.2${i}`, PATIENT, { studyDate: '2024-07-12', modalities: ['MR'] })),
];
const SOMEONE_ELSES_STUDY = studyInput('52.0', SOMEONE_ELSE, { studyDate: '2023-05-05', modalities: ['DX'] });

interface Bucket {
  modality: string | null;
  month: string | null;
  studyCount: number | null;
  suppressed: boolean;
}

/** Browser globals the page functions touch; the project compiles without lib.dom. */
interface PageGlobals {
  document: { querySelector(selector: string): { CodeMirror?: { getValue(): string; operationName?: string | null } } | null };
  Chart: { getChart(id: string): { config: { type: string }; data: { labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> } } | undefined };
}

function resultText(page: Page): Promise<string> {
  return page.$eval(`${RESULT} .CodeMirror`, (el) => (el as unknown as { CodeMirror?: { getValue(): string } }).CodeMirror?.getValue() ?? '');
}

async function runTab(page: Page, index: number, operationName: string): Promise<Record<string, any>> {
  // GraphiQL shows no tab bar while there is only one tab.
  if ((await page.locator('.graphiql-tab').count()) > 1) await page.locator('.graphiql-tab').nth(index).locator('button').first().click();
  await page.waitForFunction(
    ([selector, name]) => (globalThis as unknown as PageGlobals).document.querySelector(`${selector} .CodeMirror`)?.CodeMirror?.operationName === name,
    [QUERY_EDITOR, operationName] as const,
  );
  const before = await resultText(page);
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    ([selector, previous]) => {
      const text = (globalThis as unknown as PageGlobals).document.querySelector(`${selector} .CodeMirror`)?.CodeMirror?.getValue() ?? '';
      return text !== '' && text !== previous;
    },
    [RESULT, before] as const,
  );
  return JSON.parse(await resultText(page)) as Record<string, any>;
}

/** Signs in through the gateway's button and the demo provider's own page, as a person would. */
async function signIn(page: Page, base: string, provider: 'staff' | 'patient', account: string, problems: string[]): Promise<void> {
  await page.goto(`${base}/ide`);
  await page.click(`#ide-sign-in-${provider}`);
  await page.locator(`button[data-account="${account}"]`).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, `provider-sign-in-${provider}.png`) });
  await page.click(`button[data-account="${account}"]`);
  await page.waitForURL(`${base}/ide`);
  await page.locator('#ide-user').waitFor();
  // Before sign-in GraphiQL's schema request is refused (401): expected, and not the signed-in page's problem.
  problems.length = 0;
}

describe('signing in to the IDE in a real browser, through a real identity provider', () => {
  let topology: SignInTopology;
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    [topology, browser] = await Promise.all([startSignInTopology({ patientNhsNumber: PATIENT, studies: [...STUDIES, SOMEONE_ELSES_STUDY] }), launchChromium()]);
  }, CHROMIUM_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await topology?.stop();
  });

  async function newPage(): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1500, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    return { page, problems, close: () => context.close() };
  }

  it('lets an analyst sign in with no token, see their examples and a chart whose bars match the JSON, with the suppressed count marked', async () => {
    const { page, problems, close } = await newPage();
    await signIn(page, topology.gatewayBase, 'staff', 'demo-analyst', problems);
    expect(await page.textContent('#ide-user')).toBe('Signed in as Demo Analyst');
    expect(await page.textContent('#ide-role')).toBe('ANALYST');
    expect(await page.textContent('#ide-purpose')).toBe('Purpose of use: none stated');
    const tabs = (await page.locator('.graphiql-tab').allTextContents()).map((t) => t.replace(/icon$/, '').trim());
    expect(tabs).toEqual(['StudiesByMonth', 'StudiesByModality', 'StudiesByRegion', 'StudiesByRegionAndModality']);

    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.locator('.graphiql-doc-explorer').getByText('ActivityReport', { exact: true }).waitFor();
    expect(await page.textContent('.graphiql-doc-explorer')).not.toContain('Error fetching schema');

    const answer = await runTab(page, 1, 'StudiesByModality');
    const buckets = answer.data.studyActivity.buckets as Bucket[];
    expect(buckets.find((b) => b.modality === 'MR')).toMatchObject({ studyCount: null, suppressed: true });
    await page.locator('#ide-chart').waitFor();
    const chart = await page.evaluate(() => {
      const drawn = (globalThis as unknown as PageGlobals).Chart.getChart('ide-chart-canvas')!;
      return { type: drawn.config.type, labels: drawn.data.labels, data: drawn.data.datasets[0]!.data };
    });
    expect(chart.type).toBe('bar');
    expect(chart.labels).toEqual(['CT', 'MR', 'US']);
    for (const bucket of buckets) {
      // A suppressed count is a gap (null), never a bar of zero.
      expect(chart.data[chart.labels.indexOf(bucket.modality!)]).toBe(bucket.suppressed ? null : bucket.studyCount);
    }
    expect(chart.labels).not.toContain('DX');
    expect(chart.data).toEqual([6, null, 5]);
    expect(await page.locator('#ide-chart-suppressed li').allTextContents()).toEqual(['MR: suppressed (a small count, withheld; not zero)']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'ide-analyst-bars.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ide-chart-csv')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('region,modality,month,organisation,studyCount,suppressed');
    expect(csv).toContain(',MR,,,,true');
    expect(csv).toContain(',CT,,,6,false');

    const byMonth = await runTab(page, 0, 'StudiesByMonth');
    const months = (byMonth.data.studyActivity.buckets as Bucket[]).map((b) => b.month);
    const line = await page.evaluate(() => {
      const drawn = (globalThis as unknown as PageGlobals).Chart.getChart('ide-chart-canvas')!;
      return { type: drawn.config.type, labels: drawn.data.labels };
    });
    expect(line).toEqual({ type: 'line', labels: [...months].sort() });
    await page.screenshot({ path: path.join(ARTIFACTS, 'ide-analyst-line.png') });
    expect(problems).toEqual([]);
    await close();
  });

  it('lets a clinician sign in and run a patient history, with their purpose of use shown', async () => {
    const { page, problems, close } = await newPage();
    await signIn(page, topology.gatewayBase, 'staff', 'demo-clinician', problems);
    expect(await page.textContent('#ide-role')).toBe('CLINICIAN');
    expect(await page.textContent('#ide-purpose')).toBe('Purpose of use: DIRECT_CARE');
    const answer = await runTab(page, 0, 'PatientImagingHistory');
    expect(answer.errors).toBeUndefined();
    expect(answer.data.patient.imagingHistory.studies).toHaveLength(STUDIES.length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'ide-clinician-history.png') });
    expect(problems).toEqual([]);
    await close();
  });

  it("shows a patient their own history and refuses them anyone else's", async () => {
    const { page, problems, close } = await newPage();
    await signIn(page, topology.gatewayBase, 'patient', 'demo-patient', problems);
    expect(await page.textContent('#ide-role')).toBe('PATIENT');
    expect(await page.textContent('#ide-purpose')).toBe('Purpose of use: PATIENT_ACCESS');
    const mine = await runTab(page, 0, 'MyImagingHistory');
    expect(mine.errors).toBeUndefined();
    expect(mine.data.myImagingHistory.studies).toHaveLength(STUDIES.length);
    expect(mine.data.myImagingHistory.studies.map((s: { studyDate: string }) => s.studyDate)).not.toContain('2023-05-05');
    await page.screenshot({ path: path.join(ARTIFACTS, 'ide-patient-own-history.png') });

    await page.$eval(`${QUERY_EDITOR} .CodeMirror`, (el, nhs) => {
      (el as unknown as { CodeMirror: { setValue(text: string): void } }).CodeMirror.setValue(`query Theirs { patient(nhsNumber: "${nhs}") { imagingHistory { studies { studyDate } } } }`);
    }, SOMEONE_ELSE);
    await page.waitForFunction(
      (selector) => (globalThis as unknown as PageGlobals).document.querySelector(`${selector} .CodeMirror`)?.CodeMirror?.operationName === 'Theirs',
      QUERY_EDITOR,
    );
    await page.click('.graphiql-execute-button');
    await page.waitForFunction((selector) => ((globalThis as unknown as PageGlobals).document.querySelector(`${selector} .CodeMirror`)?.CodeMirror?.getValue() ?? '').includes('FORBIDDEN'), RESULT);
    const theirs = JSON.parse(await resultText(page)) as { data?: unknown; errors: Array<{ extensions: { code: string } }> };
    expect(theirs.errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect(theirs.data ?? null).toBeNull();
    await page.screenshot({ path: path.join(ARTIFACTS, 'ide-patient-refused.png') });
    // The refusal is a 403 the browser reports; nothing else may go wrong.
    expect(problems.filter((p) => !p.includes('status of 403'))).toEqual([]);
    await close();
  });

  it('signs out: the session cookie is gone and the page offers sign-in again', async () => {
    const { page, problems, close } = await newPage();
    await signIn(page, topology.gatewayBase, 'staff', 'demo-analyst', problems);
    expect((await page.context().cookies()).map((c) => c.name)).toContain('ide_session');
    await page.click('#ide-sign-out');
    await page.locator('#ide-sign-in-staff').waitFor();
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain('ide_session');
    expect(await page.locator('#ide-user').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'ide-signed-out.png') });
    await close();
  });
});
