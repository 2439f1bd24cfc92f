import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The build must run under a strict CSP (script-src 'self', no inline script or style): no module
// preload polyfill (it would be inlined), no asset inlined into JS/CSS as a data: URL except images.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
