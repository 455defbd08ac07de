// Builds the dashboard into OUT_DIR (default ./dist): one minified, content-hashed script and
// stylesheet under assets/ (gzip copies beside them, served when the browser accepts gzip) and
// index.html pointing at them. Prints the sizes. Usage: node build.mjs [OUT_DIR]
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, 'dist'));
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  outdir: join(out, 'assets'),
  entryNames: 'app-[hash]',
  metafile: true,
  legalComments: 'eof',
  logLevel: 'warning',
});

let js = '';
let css = '';
const sizes = {};
for (const file of Object.keys(result.metafile.outputs)) {
  const name = basename(file);
  const bytes = readFileSync(resolve(file));
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(resolve(file) + '.gz', gz);
  sizes[name] = { raw: bytes.length, gzip: gz.length };
  if (name.endsWith('.js')) js = name;
  if (name.endsWith('.css')) css = name;
}
if (!js || !css) throw new Error('esbuild produced no script or stylesheet');
const html = readFileSync(join(here, 'index.html'), 'utf8').replace('__JS__', js).replace('__CSS__', css);
writeFileSync(join(out, 'index.html'), html);
writeFileSync(join(out, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
console.log(JSON.stringify(sizes));
