import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root, from dist/test/helpers/ at run time. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const EXAMPLE_DIR = join(REPO_ROOT, 'examples', 'support-bot');
export const EXAMPLE_POLICY = join(EXAMPLE_DIR, 'chainwarden.yaml');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
export const CLI = join(REPO_ROOT, 'bin', 'chainwarden.js');
