/** The manifest's name in an output folder: `filter` creates it, every other command opens it. */
export const MANIFEST_FILE = 'manifest.sqlite';
