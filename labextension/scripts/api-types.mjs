/**
 * The REST API's TypeScript types, generated from the JSON Schema the server's tests validate
 * its real answers against (authsome_nb/jupyter/rest-api.schema.json): one source for both
 * sides, so a field added on one side cannot be forgotten on the other.
 *
 *   node scripts/api-types.mjs          write src/api-types.ts   (jlpm schema)
 *   node scripts/api-types.mjs --check  fail if it is out of date (part of jlpm lint)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { compile } from 'json-schema-to-typescript';
import prettier from 'prettier';

const here = new URL('..', import.meta.url);
const SCHEMA = fileURLToPath(new URL('../authsome_nb/jupyter/rest-api.schema.json', here));
const OUTPUT = fileURLToPath(new URL('src/api-types.ts', here));
const BANNER = `/**
 * Generated from authsome_nb/jupyter/rest-api.schema.json by \`jlpm schema\`: do not edit.
 * The server's route tests validate its real answers against the same schema.
 */`;

async function generate() {
  const schema = JSON.parse(await readFile(SCHEMA, 'utf8'));
  const style = (await prettier.resolveConfig(OUTPUT)) ?? {};
  const code = await compile(schema, 'RestApi', {
    bannerComment: BANNER,
    unreachableDefinitions: true,
    additionalProperties: false,
    format: false
  });
  return prettier.format(code, { ...style, parser: 'typescript' });
}

const wanted = await generate();
if (process.argv.includes('--check')) {
  const current = await readFile(OUTPUT, 'utf8').catch(() => '');
  if (current !== wanted) {
    console.error(`${OUTPUT} is out of date with ${SCHEMA}: run \`jlpm schema\``);
    process.exit(1);
  }
  console.log('src/api-types.ts matches the schema');
} else {
  await writeFile(OUTPUT, wanted);
  console.log(`wrote ${OUTPUT}`);
}
