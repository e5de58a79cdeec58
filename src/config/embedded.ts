// The embedded default model bundle: the one place its name and folder are written (its card: models/<name>/README.md).
import { fileURLToPath } from 'node:url';

export const EMBEDDED_MODEL = 'padellm-conll03-smollm2-v6';

/** Resolved from this file (dist/src/config/) up to the package root, so it works wherever the package is installed. */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL(`../../../models/${EMBEDDED_MODEL}`, import.meta.url));
