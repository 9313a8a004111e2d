#!/usr/bin/env node
// Thin launcher committed as JavaScript so npm can link the bin before the build has run.
import '../dist/main.js';
