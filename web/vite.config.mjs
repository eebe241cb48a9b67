// Vite builds the pages (home, IDE and admin) into target/classes/webroot, where Maven packages them
// into the pier-web jar; the edge-proxy serves them from the classpath.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src/ui'),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: here('./target/classes/webroot'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        index: here('./src/ui/index.html'),
        ide: here('./src/ui/ide.html'),
        admin: here('./src/ui/admin.html'),
        account: here('./src/ui/account.html'),
      },
      output: {
        // What both pages use goes into one "common" chunk; each language pack into its own, loaded on demand.
        manualChunks: (id) => (id.includes('/src/ui/lib/') || id.endsWith('/styles/base.css') ? 'common' : undefined),
        chunkFileNames: (chunk) => {
          const ids = [chunk.facadeModuleId ?? '', ...(chunk.moduleIds ?? [])].join(' ');
          const lang = /@codemirror\/lang-([a-z]+)/.exec(ids);
          if (lang) return `assets/lang-${lang[1]}-[hash].js`;
          const lezer = /@lezer\/([a-z]+)/.exec(ids);
          return lezer ? `assets/lezer-${lezer[1]}-[hash].js` : 'assets/[name]-[hash].js';
        },
      },
    },
  },
});
