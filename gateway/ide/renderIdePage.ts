/** What the browser-side mount script (mount.js) reads from the page's #ide-config block. */
export interface IdeBrowserConfig {
  graphqlPath: string;
  tabs: Array<{ query: string; variables: string | null; headers: string | null }>;
  defaultHeaders?: string;
  /** Present when the gateway signs people in (gateway/session/). */
  signIn?: { providers: Array<{ id: string; label: string }>; loginPath: string; logoutPath: string; csrfHeader: string };
  /** Who is signed in; the CSRF token goes with every GraphQL request and the sign-out. */
  viewer?: { name: string | null; userId: string; role: string; organisation: string | null; purposeOfUse: string | null; csrfToken: string };
}

export interface IdePageParts {
  title: string;
  config: IdeBrowserConfig;
  /** URL of each asset, by its name under /ide/assets/. */
  assetUrl: (name: string) => string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside a <script> data block: "</script>" or "<!--" in an example
 * query would otherwise end the block early and let the rest be parsed as markup.
 * The \u escapes decode back to the same characters in JSON.parse.
 */
function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The IDE's HTML: no inline script or style, so the CSP can forbid both. The icon is an
 * empty data: URL so the browser does not ask the gateway for /favicon.ico.
 */
export function renderIdePage({ title, config, assetUrl }: IdePageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetUrl('graphiql.min.css')}">
<link rel="stylesheet" href="${assetUrl('ide.css')}">
</head>
<body>
<div id="ide-bar" hidden></div>
<div id="ide-main">
<div id="graphiql">Loading the GraphQL IDE&hellip;</div>
<aside id="ide-chart" hidden>
<div class="ide-chart-head"><h2 id="ide-chart-title">Activity</h2><button type="button" id="ide-chart-csv">Download CSV</button><button type="button" id="ide-chart-close">Close</button></div>
<div class="ide-chart-body"><canvas id="ide-chart-canvas"></canvas></div>
<ul id="ide-chart-suppressed"></ul>
</aside>
</div>
<noscript>The GraphQL IDE needs JavaScript.</noscript>
<script type="application/json" id="ide-config">${jsonForScriptBlock(config)}</script>
<script src="${assetUrl('react.production.min.js')}"></script>
<script src="${assetUrl('react-dom.production.min.js')}"></script>
<script src="${assetUrl('graphiql.min.js')}"></script>
<script src="${assetUrl('chart.umd.min.js')}"></script>
<script src="${assetUrl('activityChart.js')}"></script>
<script src="${assetUrl('mount.js')}"></script>
</body>
</html>
`;
}
