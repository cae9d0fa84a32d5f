// Regenerates the README's generated sections (`npm run docs`): the column table from the
// schema and the saved-query list from the catalog. Tests fail when either is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadCatalog } from '../functions/adapters/catalog-files.ts';
import { catalogMarkdown } from '../functions/core/catalog-docs.ts';
import { columnsMarkdown } from '../functions/core/table-sql.ts';

function replaceSection(text: string, marker: string, body: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${marker} markers`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}

let readme = readFileSync('README.md', 'utf8');
readme = replaceSection(readme, 'columns', columnsMarkdown());
readme = replaceSection(readme, 'queries', catalogMarkdown(loadCatalog(['functions/queries']).values()));
writeFileSync('README.md', readme);
console.log('README.md generated sections updated');
