import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
// The generator is not re-exported by the contracts index yet, so this reaches its build output directly.
import { catalogFiles } from '@agent-platform/contracts';
import { exitOnError } from './cli.js';

/** `npm run catalog` writes the public event catalog (JSON Schemas, AsyncAPI) generated from the zod contracts. */
const main = async () => {
  const root = fileURLToPath(new URL('../../contracts/catalog/', import.meta.url));
  const files = catalogFiles();
  for (const [path, content] of files) {
    await mkdir(dirname(root + path), { recursive: true });
    await writeFile(root + path, content);
  }
  console.log(`wrote ${files.size} files to contracts/catalog/`);
};

main().catch(exitOnError);
