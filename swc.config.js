// The .swcrc options as a module, so Jest and the swc CLI compile TypeScript identically.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const options = JSON.parse(readFileSync(join(__dirname, '.swcrc'), 'utf8'));
delete options.$schema;
module.exports = { ...options, sourceMaps: 'inline' };
