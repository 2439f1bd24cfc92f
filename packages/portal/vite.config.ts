import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The build must run under a strict CSP (script-src 'self', no inline script or style): no module
// preload polyfill (it would be inlined) and no asset inlined as a data: URL.
//
// `npm run dev -w @pimkit/portal` with PIMKIT_EMULATOR_URL set (the URL `npm start` prints) takes
// /config.json from that local tenant; its portal app accepts http://localhost on any port.
const emulator = process.env.PIMKIT_EMULATOR_URL;

export default defineConfig({
  plugins: [react()],
  base: "/",
  server: {
    host: "localhost",
    ...(emulator ? { proxy: { "/config.json": { target: emulator, changeOrigin: true, secure: false } } } : {}),
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    // One chunk on purpose: MSAL and React are needed before the first screen anyway.
    chunkSizeWarningLimit: 700,
  },
});
