/** What a queue page's tabs know about their queue. */
import type { Attributes } from '../api';

export interface QueueInfo {
  name: string;
  url: string;
  /** GetQueueAttributes All, refreshed every few seconds. */
  attributes: Attributes;
  fifo: boolean;
  arn: string;
  /** Read the attributes again now (after a change). */
  reload: () => Promise<void>;
  /** Changes made from this page so far (purge, edits): views of the messages read again when it moves. */
  changes: number;
}
