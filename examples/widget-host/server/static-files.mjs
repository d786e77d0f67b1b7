// Serves a built single-page app from a folder: its files, and index.html for every other path.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ico': 'image/x-icon',
});

/**
 * Serves a file of `distDir`, or its index.html for any other path (the app routes in the browser).
 * Files under /assets/ carry a content hash in their name and are cached for good.
 *
 * @param {string} distDir
 * @param {string} pathname
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @returns {Promise<void>}
 */
export async function serveStatic(distDir, pathname, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const root = resolve(distDir);
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const file = normalize(join(root, decoded));
  // Never outside dist/, whatever `..` or encoded separators the path holds.
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(404).end();
    return;
  }
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  // A missing file with an extension is a 404; any other path is the app's (index.html).
  if (!isFile && extname(decoded) !== '') {
    res.writeHead(404).end();
    return;
  }
  const path = isFile ? file : join(root, 'index.html');
  let body;
  try {
    body = await readFile(path);
  } catch {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`The app is not built (${path} is missing): run \`npm run build\` at the repository root.\n`);
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
    'cache-control':
      isFile && decoded.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
