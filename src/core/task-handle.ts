/**
 * Message move task handles. AWS's TaskHandle is base64 of a small JSON document naming the task and
 * its source queue ARN (`{"taskId":"…","sourceArn":"…"}`); CancelMessageMoveTask decodes it and
 * answers differently for a malformed handle (InvalidParameterValue), an unknown source
 * (ResourceNotFoundException) and an unknown task (ResourceNotFoundException "Task does not exist.").
 */

export interface TaskHandleParts {
  taskId: string;
  sourceArn: string;
}

export function encodeTaskHandle(p: TaskHandleParts): string {
  return Buffer.from(JSON.stringify({ taskId: p.taskId, sourceArn: p.sourceArn }), 'utf8').toString('base64');
}

/** Undefined when the handle is not base64 JSON with string `taskId` and `sourceArn`. */
export function decodeTaskHandle(handle: string): TaskHandleParts | undefined {
  if (typeof handle !== 'string' || handle.length === 0 || !/^[A-Za-z0-9+/_=-]+$/.test(handle)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(handle, 'base64').toString('utf8'));
    if (typeof v !== 'object' || v === null) return undefined;
    const { taskId, sourceArn } = v as Record<string, unknown>;
    if (typeof taskId !== 'string' || typeof sourceArn !== 'string' || !taskId || !sourceArn) return undefined;
    return { taskId, sourceArn };
  } catch {
    return undefined;
  }
}
