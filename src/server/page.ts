/**
 * The HTML page the dashboard servers send: one `<trial-dashboard>` filling the window, inside the
 * `<main>` landmark, under an `<h1>` with the title that only assistive technology shows.
 */

export interface DashboardPageOptions {
  /** The page title. */
  title: string;
  /** Attributes of the `<trial-dashboard>` element, e.g. `{ src: '/events' }`. */
  attributes: Record<string, string | undefined>;
  /** Where the browser bundle is served. Default `/trialkit.js`. */
  scriptUrl?: string;
  /** Scripts the bundle will import at once, fetched beside it (`modulepreload`), not after it. */
  preload?: readonly string[];
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]);
}

/** Renders the page. Attribute values are escaped: they may come from the command line. */
export function dashboardPage({
  title,
  attributes,
  scriptUrl = '/trialkit.js',
  preload = [],
}: DashboardPageOptions): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>
  html, body { margin: 0; height: 100%; }
  body { font-family: system-ui, sans-serif; }
  trial-dashboard { display: block; height: 100vh; }
  .visually-hidden {
    position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip-path: inset(50%); white-space: nowrap;
  }
</style>
<script type="module" src="${escapeHtml(scriptUrl)}"></script>
${preload.map((url) => `<link rel="modulepreload" href="${escapeHtml(url)}">\n`).join('')}</head>
<body>
<main>
<h1 class="visually-hidden">${escapeHtml(title)}</h1>
<trial-dashboard${attrs}></trial-dashboard>
</main>
</body>
</html>
`;
}
