/** The README's list of saved queries, generated from the catalog (a test keeps the README in step). */
import type { SavedQuery } from './catalog.ts';

export function catalogMarkdown(queries: Iterable<SavedQuery>): string {
  const out: string[] = [];
  for (const q of [...queries].sort((a, b) => a.name.localeCompare(b.name))) {
    const params = q.params
      .map((p) => `\`${p.name}\` ${p.type}${p.defaultText === undefined ? '' : ` = \`${p.defaultText}\``}`)
      .join(', ');
    out.push(`- **\`${q.name}\`**: ${q.description}  \n  Parameters: ${params || 'none'}.`);
  }
  return out.join('\n');
}
