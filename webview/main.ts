// Webview entry: bundled to dist/webview/graph.js and loaded by the page extension/graph/html.ts builds.
import './zod-jitless';
import { GraphApp } from './app';
import { Host } from './vscode-api';

const mount = document.getElementById('app');
if (!mount) throw new Error('graph page has no #app element');
new GraphApp(mount, new Host());
