/*
 * Browser side of the analysts' IDE (served as /ide/assets/mount.js). Runs after the
 * React, ReactDOM and GraphiQL UMD builds have defined their globals. A same-origin
 * file, not an inline script, so the page's CSP can be script-src 'self' with no
 * 'unsafe-inline'; the server passes its settings in the #ide-config JSON data block,
 * which the browser never executes.
 */
'use strict';

(function mountIde() {
  var config = JSON.parse(document.getElementById('ide-config').textContent);

  // GraphiQL keeps tabs (queries with their NHS-number variables) and query history in
  // localStorage by default. Patient identifiers must not outlive the session in an
  // analyst's browser profile, so everything GraphiQL would persist lives in memory.
  var items = new Map();
  var memoryStorage = {
    getItem: function (key) {
      return items.has(key) ? items.get(key) : null;
    },
    setItem: function (key, value) {
      items.set(key, String(value));
    },
    removeItem: function (key) {
      items.delete(key);
    },
    clear: function () {
      items.clear();
    },
    get length() {
      return items.size;
    },
  };

  var props = {
    fetcher: GraphiQL.createFetcher({ url: config.graphqlPath }),
    storage: memoryStorage,
    // Bearer tokens typed into the headers editor must never reach storage either.
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: true,
    // What a tab opened with "+" starts with. GraphiQL would otherwise reuse the first
    // example without its variables, which fails as soon as it is run.
    defaultQuery: '# New query (Ctrl+Space suggests fields)\n\n',
  };
  if (config.defaultHeaders !== undefined) props.defaultHeaders = config.defaultHeaders;
  if (config.tabs.length > 0) {
    props.defaultTabs = config.tabs;
    // GraphiQL 3 fills the editors on first load from these props, not from the first
    // default tab (graphql/graphiql#3392): without this the first example opens with
    // empty variables and fails with "Variable $nhsNumber ... was not provided".
    if (config.tabs[0].variables !== null) props.variables = config.tabs[0].variables;
  }

  var container = document.getElementById('graphiql');
  container.textContent = '';
  ReactDOM.createRoot(container).render(React.createElement(GraphiQL, props));
})();
