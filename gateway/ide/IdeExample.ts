/** One example query the analysts' IDE opens as a tab of its own. */
export interface IdeExample {
  /** Shown as a comment on the tab's first line, so the purpose survives edits to the query. */
  name: string;
  /** GraphQL document; give the operation a name, GraphiQL titles the tab with it. */
  query: string;
  /** Variables as JSON text, as the variables editor shows them. */
  variables?: string;
}
