// Regenerates the README's column table from the schema (`npm run docs`).
import { readFileSync, writeFileSync } from 'node:fs';
import { columnsMarkdown } from '../functions/core/table-sql.ts';

const START = '<!-- columns:start -->';
const END = '<!-- columns:end -->';
const readme = readFileSync('README.md', 'utf8');
const a = readme.indexOf(START);
const b = readme.indexOf(END);
if (a < 0 || b < a) throw new Error('README.md lacks the columns markers');
writeFileSync('README.md', `${readme.slice(0, a + START.length)}\n${columnsMarkdown()}\n${readme.slice(b)}`);
console.log('README.md column table updated');
