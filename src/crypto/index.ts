/**
 * Encryption at rest (SSE) for message bodies: the local key ring (keyring.ts, keyringDocument.ts,
 * keyringFile.ts), envelope encryption (envelope.ts, dataKeys.ts), the per-queue setting (sse.ts), the
 * facade the action layer calls (messageCrypto.ts) and the start-up binding of ring and store (setup.ts).
 */
export { DEFAULT_MAX_DATA_KEY_USES, LruCache } from './dataKeys.js';
export { ENVELOPE_MARK, envelopeLength, isEnvelope } from './envelope.js';
export {
  AWS_SQS_ALIAS,
  currentVersion,
  KEY_BYTES,
  keyArn,
  keyCheck,
  KeyRing,
  KeyRingError,
  MANAGED_ALIAS,
  parseKeyRef,
  type KeyInfo,
  type KeyScope,
  type KeySource,
  type KeyVersion,
  type RingKey,
} from './keyring.js';
export { fromDocument, parseEnvKeys, toDocument, type KeyRingDocument } from './keyringDocument.js';
export { readKeyRingFile, updateKeyRingFile, writeKeyRingFile } from './keyringFile.js';
export { MessageCrypto, type BodyCipher, type KeyStatus, type MessageCryptoOptions, type SseQueue } from './messageCrypto.js';
export {
  MANAGED_KEY_RECORD,
  messageCryptoFor,
  openKeyRing,
  type KeyRingLog,
  type KeyRingSetupOptions,
  type MetaStore,
  type OpenedKeyRing,
} from './setup.js';
export { DEFAULT_REUSE_SECONDS, sseSettingOf, type SseSetting } from './sse.js';
