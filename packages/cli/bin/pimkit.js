#!/usr/bin/env node
// Thin launcher: the bundle is built by `npm ci` (prepare) or `npm run build`.
import "../dist/pimkit.js";
