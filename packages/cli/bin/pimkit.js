#!/usr/bin/env node
// Thin launcher: the bundle is built by `npm ci` (prepare) or `npm run build`. CommonJS (see
// ./package.json), because Node starts a CommonJS program sooner than an ES module one.
require("../dist/pimkit.cjs");
