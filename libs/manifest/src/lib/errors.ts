/**
 * A manifest file the user pointed at cannot be used as it is (missing, broken, from a newer build): the
 * CLIs print its message, which names the file and the fix, as one line without a stack.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}
