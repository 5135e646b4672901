/**
 * Bundles the admin dashboard's script at build time: `npm run build` runs this, compiled, after
 * `tsc`, and writes the bundle and its source map beside the compiled dashboard module
 * (`dist/services/admin/dashboard/bundle/`), where {@link AdminDashboard} serves them from. Run
 * from the sources, the dashboard bundles on first use instead.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWebClient, BUNDLE_NAME } from '../../play/bundle-web-client.js';
import { PREBUILT_DIR } from './admin-dashboard.js';

/** The dashboard's TypeScript entry in the repository, from this module compiled under dist/. */
const SOURCE = fileURLToPath(new URL('../../../../services/admin/dashboard/web/main.ts', import.meta.url));

const bundle = await bundleWebClient(SOURCE);
const dir = fileURLToPath(PREBUILT_DIR);
await mkdir(dir, { recursive: true });
await writeFile(`${dir}/${BUNDLE_NAME}`, bundle.script);
await writeFile(`${dir}/${BUNDLE_NAME}.map`, bundle.map);
console.log(`admin dashboard bundled into ${dir} (${Buffer.byteLength(bundle.script)} bytes)`);
