// Entry of dist/webview/dashboard.js (and dashboard.css beside it). The app is an ES module
// (Chart.js ships only ES module types), so it is loaded through import(), which esbuild
// inlines into this one bundle.
import '../shared/base.css';
import './dashboard.css';

void import('./app.mjs');
