/**
 * Checks the hand-written wire model against the Query SDK's API description (aws-sdk v2
 * `sqs-2012-11-05.min.json`): every member's JSON name, Query/XML name, type, flattened-ness and
 * required flag, and each operation's result wrapper.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { ACTION_NAMES } from '../../../src/actions/types.js';
import { OPERATIONS, operationFor, type Shape, type StructureShape } from '../../../src/protocol/model.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Api = any;
const api: Api = require('aws-sdk/apis/sqs-2012-11-05.min.json');

/** Resolves `{shape: 'Sk'}` references, letting the reference's own traits win. */
function resolve(ref: Api): Api {
  if (ref && ref.shape) return { ...api.shapes[ref.shape], ...ref, shape: undefined };
  return ref ?? {};
}

function apiType(s: Api): string {
  return s.type ?? 'string';
}

function compareStructure(path: string, ours: StructureShape, theirs: Api, checkRequired: boolean): void {
  const names = Object.keys(theirs.members);
  // ReceiveMessage.MessageSystemAttributeNames is newer than aws-sdk 2.1490.0's model.
  const ourNames = ours.members.map((m) => m.name).filter((n) => names.includes(n) || n !== 'MessageSystemAttributeNames');
  assert.deepEqual(ourNames, names, `${path}: member names/order`);
  for (const name of names) {
    const t = resolve(theirs.members[name]);
    const m = ours.byName.get(name)!;
    const p = `${path}.${name}`;
    assert.equal(m.shape.type, apiType(t), `${p}: type`);
    // Query/XML name: the member's locationName; for flattened lists the element's locationName.
    let xml = t.locationName ?? name;
    if (t.type === 'list' && t.flattened) xml = t.member?.locationName ?? xml;
    assert.equal(m.xmlName, xml, `${p}: xml name`);
    if (checkRequired) assert.equal(m.required, (theirs.required ?? []).includes(name), `${p}: required`);
    compareShape(p, m.shape, t);
  }
}

function compareShape(path: string, ours: Shape, t: Api): void {
  if (ours.type === 'list') {
    assert.equal(ours.flattened, !!t.flattened, `${path}: flattened`);
    compareShape(`${path}[]`, ours.member, resolve(t.member));
  } else if (ours.type === 'map') {
    assert.equal(ours.flattened, !!t.flattened, `${path}: flattened`);
    assert.equal(ours.keyName, t.key.locationName, `${path}: key name`);
    assert.equal(ours.valueName, t.value.locationName, `${path}: value name`);
    compareShape(`${path}{}`, ours.value, resolve(t.value));
  } else if (ours.type === 'structure') {
    // Nested structures: the decoders enforce only scalars' required flags, which match the model
    // except MessageAttributeValue.DataType (checked with SQS's own wording instead).
    compareStructure(path, ours, t, !ours.attributeValue);
  } else {
    assert.equal(ours.type, apiType(t), `${path}: scalar type`);
  }
}

test('every action has an operation, and nothing else does', () => {
  assert.deepEqual(Object.keys(OPERATIONS).sort(), [...ACTION_NAMES].sort());
  assert.deepEqual(Object.keys(api.operations).sort(), [...ACTION_NAMES].sort());
  assert.equal(operationFor('__proto__'), undefined);
  assert.equal(operationFor('toString'), undefined);
});

test('the model matches the aws-sdk v2 API description', () => {
  for (const name of ACTION_NAMES) {
    const op = OPERATIONS[name];
    const theirs = api.operations[name];
    compareStructure(`${name}.input`, op.input, theirs.input, true);
    if (theirs.output) {
      assert.ok(op.output, `${name}: has output`);
      assert.equal(op.resultWrapper, theirs.output.resultWrapper, `${name}: result wrapper`);
      compareStructure(`${name}.output`, op.output!, theirs.output, false);
    } else {
      assert.equal(op.output, undefined, `${name}: no output`);
      assert.equal(op.resultWrapper, undefined);
    }
  }
});

test('blob-bearing shapes are flagged (the JSON encoder base64s only those)', () => {
  assert.equal(OPERATIONS.ReceiveMessage.output!.hasBlob, true);
  assert.equal(OPERATIONS.SendMessage.input.hasBlob, true);
  assert.equal(OPERATIONS.SendMessageBatch.output!.hasBlob, false);
  assert.equal(OPERATIONS.ListQueues.output!.hasBlob, false);
});
