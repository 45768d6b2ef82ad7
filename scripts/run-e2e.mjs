// End-to-end journeys in a real VS Code (code-server + headless Chromium). See test/e2e/README.md.
console.log('e2e: no journeys yet');
