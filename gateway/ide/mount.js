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

  // Signed in: the session cookie goes with every request by itself; the CSRF token bound
  // to the session must be added, so another site cannot make the browser send queries.
  var sessionHeaders = {};
  if (config.viewer && config.signIn) sessionHeaders[config.signIn.csrfHeader] = config.viewer.csrfToken;
  // Plain JSON answers (the gateway serves no @defer): the chart below then sees each
  // answer as one object rather than a multipart stream.
  var baseFetcher = GraphiQL.createFetcher({ url: config.graphqlPath, headers: sessionHeaders, enableIncrementalDelivery: false });
  // Every answer the analyst runs goes past the chart, which draws studyActivity answers.
  var fetcher = function (params, options) {
    var result = baseFetcher(params, options);
    if (params.operationName !== 'IntrospectionQuery' && result && typeof result.then === 'function') {
      result.then(function (value) {
        if (window.ImagingIdeChart) window.ImagingIdeChart.show(value);
      }, function () {});
    }
    return result;
  };
  showSignInBar(config);

  var props = {
    fetcher: fetcher,
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

  function showSignInBar(settings) {
    if (!settings.signIn) return;
    var bar = document.getElementById('ide-bar');
    var add = function (tag, text, id) {
      var el = document.createElement(tag);
      if (text) el.textContent = text;
      if (id) el.id = id;
      bar.appendChild(el);
      return el;
    };
    if (settings.viewer) {
      var v = settings.viewer;
      add('span', 'Signed in as ' + (v.name || v.userId), 'ide-user');
      add('span', v.role, 'ide-role').className = 'ide-pill';
      if (v.organisation) add('span', 'Organisation ' + v.organisation, 'ide-org');
      add('span', 'Purpose of use: ' + (v.purposeOfUse || 'none stated'), 'ide-purpose');
      var out = add('button', 'Sign out', 'ide-sign-out');
      out.type = 'button';
      out.addEventListener('click', function () {
        var headers = {};
        headers[settings.signIn.csrfHeader] = v.csrfToken;
        fetch(settings.signIn.logoutPath, { method: 'POST', headers: headers, credentials: 'same-origin' }).then(function () {
          window.location.assign('/ide');
        });
      });
    } else {
      add('span', 'Sign in:');
      settings.signIn.providers.forEach(function (provider) {
        var link = add('a', provider.label, 'ide-sign-in-' + provider.id);
        link.href = settings.signIn.loginPath + '?provider=' + encodeURIComponent(provider.id);
      });
      add('span', 'API users can still paste a bearer token into the Headers tab.', 'ide-token-hint');
    }
    bar.hidden = false;
  }

  var container = document.getElementById('graphiql');
  container.textContent = '';
  ReactDOM.createRoot(container).render(React.createElement(GraphiQL, props));
})();
