#!/usr/bin/env node
// Validates HAR files against the HAR 1.2 JSON schema with har-validator (ajv, allErrors).
//
//   node har_validate.js FILE.har [FILE.har ...]
//
// Exit 0 when every file is valid. Otherwise exit 1 and print, for each file, every error the
// validator reported: the JSON path, ajv's message and parameters, and the offending value.
// Exit 2 on a usage error or when har-validator is not installed (run `npm ci` in tests/e2e).
'use strict';

const fs = require('fs');
const path = require('path');

let validator;
try {
  validator = require('har-validator');
} catch (e) {
  console.error('har_validate.js: cannot load har-validator (' + e.message + '); run `npm ci --prefix ' +
                path.relative(process.cwd(), __dirname || '.') + '`');
  process.exit(2);
}

// ajv 6 dataPath (".log.entries[3].request['x-y']") → the value it points at in data.
function lookup(data, dataPath) {
  if (!dataPath) return data;
  const re = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/g;
  let value = data;
  let m;
  while ((m = re.exec(dataPath)) !== null) {
    if (value === null || value === undefined) return undefined;
    const key = m[1] !== undefined ? m[1] : m[2] !== undefined ? Number(m[2]) : m[3].replace(/\\(.)/g, '$1');
    value = value[key];
  }
  return value;
}

function snippet(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    text = String(value);
  }
  if (text === undefined) text = 'undefined';
  return text.length > 300 ? text.slice(0, 300) + '…(' + text.length + ' chars)' : text;
}

async function validateFile(file) {
  let data;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(file + ': not a readable JSON file: ' + e.message);
    return false;
  }
  try {
    await validator.har(data);
  } catch (e) {
    if (!e || !Array.isArray(e.errors)) throw e;
    console.error(file + ': HAR 1.2 schema validation failed with ' + e.errors.length + ' error(s):');
    for (const err of e.errors) {
      console.error('  ' + (err.dataPath || '(root)') + ': ' + err.message + ' ' + JSON.stringify(err.params) +
                    ' [schema ' + err.schemaPath + ']; value: ' + snippet(lookup(data, err.dataPath)));
    }
    return false;
  }
  const entries = data.log && Array.isArray(data.log.entries) ? data.log.entries.length : 0;
  console.log(file + ': valid HAR ' + data.log.version + ' (' + entries + ' entries)');
  return true;
}

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node har_validate.js FILE.har [FILE.har ...]');
    process.exit(2);
  }
  let ok = true;
  for (const file of files) {
    if (!(await validateFile(file))) ok = false;
  }
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error('har_validate.js: ' + (e && e.stack ? e.stack : e));
  process.exit(2);
});
