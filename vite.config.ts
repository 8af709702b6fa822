/**
 * Builds the browser demo (demos/chat) into dist/demo, where
 * `meshwork start` serves it. `meshwork/browser` resolves to the browser
 * entry of this checkout, as it would for an installed package.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  root: here('./demos/chat'),
  base: './',
  logLevel: 'warn',
  resolve: {
    alias: {
      'meshwork/browser': here('./browser/index.ts')
    }
  },
  worker: {
    format: 'es'
  },
  build: {
    outDir: here('./dist/demo'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    reportCompressedSize: false
  }
})
