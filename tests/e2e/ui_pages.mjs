// The dashboard pages every UI test visits, and the check that a page rendered something.
export const PAGES = [
  ['overview', '/'],
  ['sessions', '/sessions'],
  ['live', '/live'],
  ['tools', '/tools'],
  ['agents', '/agents'],
  ['projects', '/projects'],
  ['cost', '/cost'],
  ['settings', '/settings'],
];

/** Text of the page's main area: never empty (a loading, error or empty state at least). */
export async function mainText(page) {
  return (await page.textContent('main')).trim();
}
