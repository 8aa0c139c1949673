/**
 * Paths inside an image, as manifests and uploads carry them: relative, '/'-separated, every
 * component a plain name. An image server writes only where such a path points below its
 * staging directory, so a hostile manifest cannot name '..', an absolute path, or an empty or
 * '.' component (which would alias another entry).
 */
export const MAX_IMAGE_PATH_BYTES = 4096;
/** NAME_MAX of Linux file systems. */
export const MAX_NAME_BYTES = 255;

/** Why `path` is not a safe image path, or null if it is. */
export function imagePathProblem(path: string): string | null {
  if (path.length === 0) return 'empty path';
  if (Buffer.byteLength(path, 'utf8') > MAX_IMAGE_PATH_BYTES) return `longer than ${MAX_IMAGE_PATH_BYTES} bytes`;
  if (path.includes('\0')) return 'contains NUL';
  if (path.startsWith('/')) return 'absolute path';
  for (const component of path.split('/')) {
    if (component === '') return 'empty component (leading, trailing or double slash)';
    if (component === '.' || component === '..') return `'${component}' component`;
    if (Buffer.byteLength(component, 'utf8') > MAX_NAME_BYTES) return `component longer than ${MAX_NAME_BYTES} bytes`;
  }
  return null;
}

/** The directory holding `path` ('' for the image root). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
