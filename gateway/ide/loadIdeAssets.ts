import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createIdeAsset, type IdeAsset } from './IdeAsset';

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** Directory of an installed package; its package.json is exported even where its other files are not. */
function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/**
 * Reads the IDE's static files once, keyed by their name under /ide/assets/. They come
 * from node_modules rather than a CDN because NHS networks (HSCN) may not reach one,
 * and a page that loads only its own origin's scripts can run under a strict CSP.
 * GraphiQL 3's UMD build expects React and ReactDOM as globals, hence React's UMD builds.
 */
export function loadIdeAssets(): ReadonlyMap<string, IdeAsset> {
  const files: Array<[name: string, path: string, contentType: string]> = [
    ['react.production.min.js', join(packageDir('react'), 'umd', 'react.production.min.js'), JAVASCRIPT],
    ['react-dom.production.min.js', join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), JAVASCRIPT],
    ['graphiql.min.js', join(packageDir('graphiql'), 'graphiql.min.js'), JAVASCRIPT],
    ['graphiql.min.css', join(packageDir('graphiql'), 'graphiql.min.css'), CSS],
    // Chart.js 4's UMD build defines the Chart global; it needs no eval and injects no style.
    // chart.js exports no package.json; its main entry is dist/chart.cjs.
    ['chart.umd.min.js', join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), JAVASCRIPT],
    ['activityChart.js', join(__dirname, 'activityChart.js'), JAVASCRIPT],
    ['mount.js', join(__dirname, 'mount.js'), JAVASCRIPT],
    ['ide.css', join(__dirname, 'ide.css'), CSS],
  ];
  const assets = new Map<string, IdeAsset>();
  for (const [name, path, contentType] of files) {
    assets.set(name, createIdeAsset(contentType, readFileSync(path)));
  }
  return assets;
}
