// Checks real HTTP answers against the OpenAPI 3.1 document the server serves:
// the status must be one the operation lists, the content type one it declares,
// the body must match its schema (JSON Schema 2020-12, via ajv) and required
// headers must be there and match theirs. Records what it checked, so a test
// can assert that every documented operation and status was exercised.
import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { Validator } from "@seriousme/openapi-schema-validator";

const addFormats = addFormatsModule.default ?? addFormatsModule;
const DOC_ID = "https://antcdn.invalid/openapi.json";
export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// {valid, errors, version} from validating `doc` as an OpenAPI document.
export async function validateDocument(doc) {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  return { ...result, version: validator.version };
}

// The document leaves objects open (clients must ignore fields added later);
// for the test they are closed, so a field the server sends but the document
// forgot fails. Only object schemas with `properties` and no explicit
// additionalProperties/unevaluatedProperties are closed.
function closeObjects(node) {
  if (Array.isArray(node)) {
    node.forEach(closeObjects);
    return;
  }
  if (node === null || typeof node !== "object") return;
  if (node.type === "object" && node.properties &&
      !("additionalProperties" in node) && !("unevaluatedProperties" in node)) {
    node.unevaluatedProperties = false;
  }
  Object.values(node).forEach(closeObjects);
}

const pointerOf = (...parts) =>
  "#/" + parts.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

export class Contract {
  constructor(doc) {
    this.doc = doc;
    const strict = structuredClone(doc);
    closeObjects(strict.components.schemas);
    // The OpenAPI document is not itself a schema: strict mode would trip on
    // its keywords (openapi, paths, ...); schemas are still checked when compiled.
    this.ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(this.ajv);
    this.ajv.addSchema(strict, DOC_ID);
    this.validators = new Map();
    this.seen = new Set();  // "operationId status"
  }

  // Resolves a local $ref chain; returns [object, its JSON pointer].
  resolve(obj, pointer) {
    while (obj && obj.$ref) {
      pointer = obj.$ref;
      obj = pointer.slice(2).split("/")
        .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
        .reduce((o, k) => o?.[k], this.doc);
      assert.ok(obj, `unresolved ${pointer}`);
    }
    return [obj, pointer];
  }

  validator(pointer) {
    if (!this.validators.has(pointer)) {
      this.validators.set(pointer, this.ajv.compile({ $ref: DOC_ID + pointer }));
    }
    return this.validators.get(pointer);
  }

  // Asserts `value` matches the schema at `pointer` (a "#/..." JSON pointer).
  assertSchema(pointer, value, what) {
    const validate = this.validator(pointer);
    if (!validate(value)) {
      assert.fail(`${what} does not match ${pointer}:\n` +
        `${JSON.stringify(validate.errors, null, 1)}\nvalue: ${JSON.stringify(value).slice(0, 2000)}`);
    }
  }

  // True when the schema at `pointer` accepts `value`.
  accepts(pointer, value) {
    return this.validator(pointer)(value);
  }

  operation(path, method) {
    return this.doc.paths[path]?.[method.toLowerCase()];
  }

  // The schema pointer of an operation's JSON request body.
  requestSchema(path, method) {
    const op = this.operation(path, method);
    assert.ok(op?.requestBody, `${method} ${path} has no request body`);
    const [body, at] = this.resolve(op.requestBody,
      pointerOf("paths", path, method.toLowerCase(), "requestBody"));
    const [, schemaAt] = this.resolve(body.content["application/json"].schema,
      `${at}/content/application~1json/schema`);
    return schemaAt;
  }

  // Checks `res` (a fetch Response) as an answer of `method path` (the
  // document's path template). `protocol`: the answer is one the document
  // gives to any request (its `default`, or ProtocolError where the path or
  // method is no operation); otherwise the status must be listed explicitly.
  // Returns the parsed body (or null).
  async check(res, path, method, { protocol = false } = {}) {
    const what = `${method} ${path} -> ${res.status}`;
    const op = this.operation(path, method);
    let response;
    let at;
    if (op) {
      const listed = op.responses[String(res.status)];
      assert.ok(listed || protocol, `${what}: status not documented for ${op.operationId}`);
      at = pointerOf("paths", path, method.toLowerCase(), "responses", listed ? res.status : "default");
      response = listed ?? op.responses.default;
      assert.ok(response, `${what}: no default response`);
      this.seen.add(`${op.operationId} ${res.status}`);
    } else {
      assert.ok(protocol, `${what}: no such operation in the document`);
      response = { $ref: "#/components/responses/ProtocolError" };
    }
    [response, at] = this.resolve(response, at);

    for (const [name, declared] of Object.entries(response.headers ?? {})) {
      const [header, headerAt] = this.resolve(declared, `${at}/headers/${name}`);
      const value = res.headers.get(name);
      if (value === null) {
        assert.ok(!header.required, `${what}: missing required header ${name}`);
        continue;
      }
      if (header.schema) this.assertSchema(`${headerAt}/schema`, value, `${what} header ${name}`);
    }

    const text = await res.text();
    if (method === "HEAD" || !response.content) {
      assert.equal(text, "", `${what}: a body where the document declares none`);
      return null;
    }
    const type = (res.headers.get("content-type") ?? "").split(";")[0].trim();
    assert.ok(response.content[type], `${what}: content type "${type}" not declared`);
    if (type === "text/event-stream") return text;  // the caller checks each event's data
    assert.equal(type, "application/json", `${what}: only JSON and event streams are documented`);
    const body = JSON.parse(text);
    this.assertSchema(`${at}/content/application~1json/schema`, body, `${what} body`);
    return body;
  }

  // Every "operationId status" the document lists (defaults aside).
  documented() {
    const all = [];
    for (const item of Object.values(this.doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        for (const status of Object.keys(op.responses)) {
          if (status !== "default") all.push(`${op.operationId} ${status}`);
        }
      }
    }
    return all;
  }
}
