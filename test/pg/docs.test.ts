/** Every PostgreSQL error code is documented, with the SQLSTATE the code really sends. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PG_ERRORS } from '../../gateway/pg/errors.js';
import { REPO_ROOT } from '../helpers/paths.js';

test('docs/postgres.md lists every error code with its SQLSTATE', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'postgres.md'), 'utf8');
  for (const [code, spec] of Object.entries(PG_ERRORS)) {
    assert.match(doc, new RegExp(`\\| \`${code}\` \\| ${spec.sqlstate} \\|`), `${code} is missing from docs/postgres.md`);
  }
});
