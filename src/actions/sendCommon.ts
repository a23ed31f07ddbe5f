/**
 * What SendMessage and SendMessageBatch share: turning a validated message into the engine's
 * SendMessageParams (resolved delay, FIFO dedup id, trace header, MD5s, sender id).
 */
import { md5Hex, md5OfAttributes, sha256Hex } from '../core/md5.js';
import type { QueueRecord, SendMessageParams } from '../storage/engine.js';
import { callerAccountId, intAttr } from './common.js';
import type { ActionContext, MessageAttributeMap } from './types.js';
import type { MessageParams } from './validation/message.js';

/**
 * System attributes to store: the message's own AWSTraceHeader, else the `X-Amzn-Trace-Id` request
 * header (AWS copies it into AWSTraceHeader when the message carries none).
 */
function systemAttributes(m: MessageParams, ctx: ActionContext): MessageAttributeMap {
  if (m.MessageSystemAttributes && Object.keys(m.MessageSystemAttributes).length > 0) return m.MessageSystemAttributes;
  if (ctx.traceHeader) return { AWSTraceHeader: { DataType: 'String', StringValue: ctx.traceHeader } };
  return {};
}

/** Build the engine parameters for one message already validated against `q`. */
export function toSendParams(m: MessageParams, q: QueueRecord, ctx: ActionContext): SendMessageParams {
  const sys = systemAttributes(m, ctx);
  const attrs = m.MessageAttributes ?? {};
  // Delay: FIFO queues only ever use the queue's delay (a per-message one is rejected earlier).
  const delaySec = m.DelaySeconds !== undefined && !q.fifo ? m.DelaySeconds : intAttr(q, 'DelaySeconds', 0);
  let dedupId: string | undefined;
  if (q.fifo) {
    // ContentBasedDeduplication: the SHA-256 (hex) of the body is the dedup id.
    dedupId = m.MessageDeduplicationId || sha256Hex(m.MessageBody);
  }
  const p: SendMessageParams = {
    messageId: ctx.random.uuid(),
    body: m.MessageBody,
    md5OfBody: md5Hex(m.MessageBody),
    messageAttributes: attrs,
    md5OfMessageAttributes: md5OfAttributes(attrs),
    systemAttributes: sys,
    md5OfMessageSystemAttributes: md5OfAttributes(sys),
    delayMs: delaySec * 1000,
    // SenderId: AWS reports the sender's IAM user id (AIDA…), or the account id for the account root
    // (the compatibility administrators, and every request with --auth off).
    senderId: ctx.caller?.identity.principal.userId ?? callerAccountId(ctx),
  };
  if (m.MessageGroupId) p.groupId = m.MessageGroupId;
  if (dedupId !== undefined) p.dedupId = dedupId;
  return p;
}

/**
 * The messages as the engine stores them: bodies encrypted per the queue's SSE attributes (crypto/;
 * KmsNotFound/KmsDisabled when its key is missing or disabled). The MD5s, the content-based dedup id
 * and the events stay those of the plaintext.
 */
export function sealBodies(ps: SendMessageParams[], q: QueueRecord, ctx: ActionContext): SendMessageParams[] {
  const sse = ctx.sse;
  if (sse === undefined) return ps;
  return ps.map((p) => {
    const body = sse.encryptBody(q, p.body);
    return body === p.body ? p : { ...p, body };
  });
}

/** Fields of the send result shared by SendMessage and SendMessageBatch entries. */
export function sendResultFields(p: SendMessageParams, messageId: string, sequenceNumber: string | undefined) {
  const out: {
    MessageId: string;
    MD5OfMessageBody: string;
    MD5OfMessageAttributes?: string;
    MD5OfMessageSystemAttributes?: string;
    SequenceNumber?: string;
  } = { MessageId: messageId, MD5OfMessageBody: p.md5OfBody };
  if (p.md5OfMessageAttributes) out.MD5OfMessageAttributes = p.md5OfMessageAttributes;
  if (p.md5OfMessageSystemAttributes) out.MD5OfMessageSystemAttributes = p.md5OfMessageSystemAttributes;
  if (sequenceNumber !== undefined) out.SequenceNumber = sequenceNumber;
  return out;
}
