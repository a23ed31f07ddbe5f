import assert from 'node:assert/strict';
import { test } from 'node:test';
import AWS from 'aws-sdk';
import { OPERATIONS } from '../../../src/protocol/model.js';
import { XML_NAMESPACE, encodeQueryOutput, escapeXml } from '../../../src/protocol/query/encode.js';

/**
 * aws-sdk v2's parser of Query responses (`AWS.XML.Parser`, which its typings leave out): elements
 * become nested objects, text content strings.
 */
interface SdkXmlParser {
  parse(xml: string): Record<string, unknown>;
}
const { XML } = AWS as unknown as { XML: { Parser: new () => SdkXmlParser } };

/** Parses with the XML parser aws-sdk v2 uses for Query responses. */
function parse(xml: string): Record<string, unknown> {
  return new XML.Parser().parse(xml);
}

test('escapeXml: & < > " \' and CR; other XML 1.0 controls; lone surrogates', () => {
  assert.equal(escapeXml('plain-id_123'), 'plain-id_123');
  assert.equal(escapeXml(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f');
  assert.equal(escapeXml('l1\r\nl2\r'), 'l1&#xD;\nl2&#xD;');
  assert.equal(escapeXml('tab\tnl\n'), 'tab\tnl\n');
  assert.equal(escapeXml('a\u0000b\u0008c\u000Bd\u001Fe\uFFFEf'), 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf');
  assert.equal(escapeXml('x\uD800y'), 'x\uFFFDy');
  assert.equal(escapeXml('ok \u{1F600} \uE000 \uD7FF'), 'ok \u{1F600} \uE000 \uD7FF');
  // The SDK parser gives back exactly the original, CR included.
  const body = 'a&b<c>"q"\'s\'\r\nline\ttab \u{1F600}';
  assert.equal(parse(`<r><v>${escapeXml(body)}</v></r>`)['v'], body);
});

test('actions without output have only ResponseMetadata', () => {
  const xml = encodeQueryOutput(OPERATIONS.DeleteQueue, {}, 'req-1');
  assert.equal(
    xml,
    `<?xml version="1.0"?><DeleteQueueResponse xmlns="${XML_NAMESPACE}"><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DeleteQueueResponse>`,
  );
});

test('empty results are self-closing Result elements', () => {
  const xml = encodeQueryOutput(OPERATIONS.ReceiveMessage, {}, 'r');
  assert.match(xml, /<ReceiveMessageResponse xmlns="[^"]+"><ReceiveMessageResult\/><ResponseMetadata>/);
});

test('ReceiveMessage: flattened messages, attribute maps, message attribute values, base64', () => {
  const xml = encodeQueryOutput(
    OPERATIONS.ReceiveMessage,
    {
      Messages: [
        {
          MessageId: 'm1',
          ReceiptHandle: 'rh',
          MD5OfBody: 'md5',
          Body: 'a<b>\r\n',
          Attributes: { SentTimestamp: '1700000000000', ApproximateReceiveCount: '1' },
          MD5OfMessageAttributes: 'mam',
          MessageAttributes: {
            s: { DataType: 'String', StringValue: 'v&' },
            b: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2]) },
          },
        },
        { MessageId: 'm2', Body: 'x' },
      ],
    },
    'rid',
  );
  assert.ok(
    xml.includes('<Message><MessageId>m1</MessageId><ReceiptHandle>rh</ReceiptHandle><MD5OfBody>md5</MD5OfBody><Body>a&lt;b&gt;&#xD;\n</Body>'),
  );
  assert.ok(
    xml.includes(
      '<Attribute><Name>SentTimestamp</Name><Value>1700000000000</Value></Attribute><Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>',
    ),
  );
  assert.ok(
    xml.includes('<MessageAttribute><Name>s</Name><Value><StringValue>v&amp;</StringValue><DataType>String</DataType></Value></MessageAttribute>'),
  );
  assert.ok(
    xml.includes('<MessageAttribute><Name>b</Name><Value><BinaryValue>AAEC</BinaryValue><DataType>Binary</DataType></Value></MessageAttribute>'),
  );
  assert.ok(xml.includes('<Message><MessageId>m2</MessageId><Body>x</Body></Message>'));
  assert.ok(xml.endsWith('<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ReceiveMessageResponse>'));
});

test('batch results, tags, queue URL lists (incl. lowercase queueUrls), move tasks', () => {
  const b = encodeQueryOutput(
    OPERATIONS.SendMessageBatch,
    {
      Successful: [{ Id: 'a', MessageId: 'm', MD5OfMessageBody: 'x' }],
      Failed: [{ Id: 'b', SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad' }],
    },
    'r',
  );
  assert.ok(
    b.includes(
      '<SendMessageBatchResult><SendMessageBatchResultEntry><Id>a</Id><MessageId>m</MessageId><MD5OfMessageBody>x</MD5OfMessageBody></SendMessageBatchResultEntry>',
    ),
  );
  assert.ok(
    b.includes(
      '<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>InvalidParameterValue</Code><Message>bad</Message></BatchResultErrorEntry></SendMessageBatchResult>',
    ),
  );
  const d = encodeQueryOutput(OPERATIONS.DeleteMessageBatch, { Successful: [{ Id: 'a' }], Failed: [] }, 'r');
  assert.ok(
    d.includes('<DeleteMessageBatchResult><DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry></DeleteMessageBatchResult>'),
  );
  const c = encodeQueryOutput(OPERATIONS.ChangeMessageVisibilityBatch, { Successful: [{ Id: 'a' }], Failed: [] }, 'r');
  assert.ok(c.includes('<ChangeMessageVisibilityBatchResultEntry><Id>a</Id></ChangeMessageVisibilityBatchResultEntry>'));
  const t = encodeQueryOutput(OPERATIONS.ListQueueTags, { Tags: { k: 'v' } }, 'r');
  assert.ok(t.includes('<ListQueueTagsResult><Tag><Key>k</Key><Value>v</Value></Tag></ListQueueTagsResult>'));
  const l = encodeQueryOutput(OPERATIONS.ListQueues, { QueueUrls: ['u1', 'u2'], NextToken: 'n' }, 'r');
  assert.ok(l.includes('<ListQueuesResult><QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl><NextToken>n</NextToken></ListQueuesResult>'));
  const dl = encodeQueryOutput(OPERATIONS.ListDeadLetterSourceQueues, { queueUrls: ['s'] }, 'r');
  assert.ok(dl.includes('<ListDeadLetterSourceQueuesResult><QueueUrl>s</QueueUrl></ListDeadLetterSourceQueuesResult>'));
  const g = encodeQueryOutput(OPERATIONS.GetQueueAttributes, { Attributes: { Policy: '{"a":"b"}' } }, 'r');
  assert.ok(g.includes('<Attribute><Name>Policy</Name><Value>{&quot;a&quot;:&quot;b&quot;}</Value></Attribute>'));
  const m = encodeQueryOutput(
    OPERATIONS.ListMessageMoveTasks,
    { Results: [{ Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 3, StartedTimestamp: 1700000000000 }] },
    'r',
  );
  assert.ok(
    m.includes(
      '<ListMessageMoveTasksResultEntry><Status>RUNNING</Status><ApproximateNumberOfMessagesMoved>3</ApproximateNumberOfMessagesMoved><StartedTimestamp>1700000000000</StartedTimestamp></ListMessageMoveTasksResultEntry>',
    ),
  );
  const cq = encodeQueryOutput(OPERATIONS.CreateQueue, { QueueUrl: 'http://h/1/q' }, 'r');
  assert.ok(cq.includes('<CreateQueueResult><QueueUrl>http://h/1/q</QueueUrl></CreateQueueResult>'));
});
