/**
 * `ferry policy check`: a policy simulator, like IAM's. It reads the same config (identities and
 * policies) a server reads, the queue's `Policy` and tags from the store (or `--queue-policy <file>`),
 * decides with the same evaluator the server uses and prints the decision and the statement that made it.
 *
 *   ferry policy check --as <access key id | user name> --action sqs:SendMessage --queue <url | arn>
 *                      [--config file] [--queue-policy file] [--source-ip ip] [--user-agent ua]
 *                      [--secure-transport] [--time iso] [--json] [storage flags as for serve]
 *
 * It also lists the condition keys that the statements which could decide read, with their values in
 * the check, and says which were absent and how to give them: a condition on an absent key matches only
 * through `…IfExists`, `Null` or a negated operator, so a check without `--source-ip` can decide
 * otherwise than the server does for a real request.
 *
 * The store is opened read-mostly with the same storage flags as `ferry serve` (SQLite: the database in
 * --data-dir, which a running server may share; PostgreSQL: --database-url). With --queue-policy the
 * store is not opened (the queue's tags are then unknown: aws:ResourceTag conditions see no tags).
 */
import { readFileSync } from 'node:fs';
import { buildIdentities } from '../auth/identities.js';
import {
  authorize,
  compileQueuePolicy,
  conditionKeysRead,
  describeStatement,
  listQueuesResource,
  PolicyError,
  type CompiledPolicy,
  type ConditionKeyRead,
  type StatementRef,
} from '../auth/policy/index.js';
import { ConfigError, type FerryConfig } from '../config/schema.js';
import { parseQueueArn, queueArn } from '../core/arn.js';
import { systemClock } from '../core/clock.js';
import { parseQueueUrl } from '../core/queue-url.js';
import { ACTIONS } from '../actions/registry.js';
import type { StorageEngine } from '../storage/engine.js';
import { parseCommandArgs } from './args.js';

export const POLICY_USAGE = [
  'Usage: ferry policy check --as <access key id | user name> --action <sqs:Action> [--queue <queue URL | queue ARN>]',
  '                          [--queue-policy <file>] [--source-ip <ip>] [--user-agent <ua>] [--secure-transport]',
  '                          [--time <ISO 8601>] [--json]',
  '                          [--config <file>] [storage flags as for serve]',
  '  Prints ALLOWED or DENIED, the reason and the deciding statement; exit code 0 allowed, 3 denied.',
  "  The queue's Policy and tags come from the store unless --queue-policy names a file holding the Policy.",
].join('\n');

export interface PolicyCheckResult {
  allowed: boolean;
  lines: string[];
}

type EngineFactory = (config: FerryConfig) => Promise<StorageEngine>;

/** Run `ferry policy <args>`. Throws ConfigError for usage problems. */
export async function policyCommand(args: string[], env: NodeJS.ProcessEnv, makeEngine: EngineFactory): Promise<PolicyCheckResult> {
  const cli = parseCommandArgs(args, POLICY_USAGE, {
    as: { type: 'string' },
    action: { type: 'string' },
    queue: { type: 'string' },
    'queue-policy': { type: 'string' },
    'source-ip': { type: 'string' },
    'user-agent': { type: 'string' },
    'secure-transport': { type: 'boolean' },
    time: { type: 'string' },
    json: { type: 'boolean' },
  });
  const { values, positionals } = cli;
  if (positionals[0] !== 'check' || positionals.length !== 1) throw new ConfigError(POLICY_USAGE);
  const config = cli.config(env);
  const identities = buildIdentities(config);

  const as = values.as as string | undefined;
  if (!as) throw new ConfigError(`--as is needed\n\n${POLICY_USAGE}`);
  const identity = identities.byKey.get(as) ?? identities.byUser.get(as);
  if (!identity) throw new ConfigError(`no access key or user "${as}" in the configured identities`);

  const rawAction = values.action as string | undefined;
  if (!rawAction) throw new ConfigError(`--action is needed (e.g. sqs:SendMessage)\n\n${POLICY_USAGE}`);
  const bare = rawAction.replace(/^sqs:/i, '').toLowerCase();
  const action = Object.keys(ACTIONS).find((a) => a.toLowerCase() === bare);
  if (!action) throw new ConfigError(`unknown SQS action "${rawAction}"`);

  let resource: string;
  let queueName: string | undefined;
  let queueAccount = config.accountId;
  const q = values.queue as string | undefined;
  if (action === 'ListQueues') resource = listQueuesResource(config.region, config.accountId);
  else {
    if (!q) throw new ConfigError(`--queue is needed for ${action}\n\n${POLICY_USAGE}`);
    const arn = q.startsWith('arn:') ? parseQueueArn(q) : undefined;
    const url = arn ? undefined : parseQueueUrl(q);
    if (arn) {
      resource = q;
      queueName = arn.name;
      queueAccount = arn.accountId;
    } else if (url) {
      queueName = url.name;
      queueAccount = url.accountId ?? config.accountId;
      resource = queueArn(config.region, queueAccount, url.name);
    } else throw new ConfigError(`--queue must be a queue URL or ARN, got ${JSON.stringify(q)}`);
  }

  const lines: string[] = [];
  let policyText: string | undefined;
  let tags: Record<string, string> | undefined;
  const policyFile = values['queue-policy'] as string | undefined;
  if (policyFile !== undefined) {
    try {
      policyText = readFileSync(policyFile, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read --queue-policy ${policyFile}: ${(e as Error).message}`);
    }
    lines.push(`queue policy: ${policyFile}`);
  } else if (queueName !== undefined && queueAccount !== undefined && action !== 'CreateQueue') {
    if (config.storage === 'memory') lines.push('queue policy: none (storage memory has no stored queues; use --queue-policy <file>)');
    else {
      const engine = await makeEngine(config);
      try {
        await engine.init();
        const rec = await engine.queueGetByName(queueAccount, queueName);
        if (!rec) lines.push(`queue: ${queueAccount}/${queueName} does not exist in the store (decided as a queue without a Policy)`);
        else {
          policyText = rec.attributes.Policy;
          tags = { ...rec.tags };
          lines.push(`queue policy: ${policyText === undefined ? 'none' : 'from the store'}`);
        }
      } finally {
        await engine.close();
      }
    }
  }
  let resourcePolicy: CompiledPolicy | undefined;
  if (policyText !== undefined) {
    try {
      resourcePolicy = compileQueuePolicy(policyText, resource);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      lines.push(`the queue policy does not compile (${e.message}): the server denies everyone but the account's administrators`);
      const allowed = identity.principal.admin && identity.principal.accountId === queueAccount;
      lines.unshift(`${allowed ? 'ALLOWED' : 'DENIED'}  sqs:${action.toLowerCase()} on ${resource}`);
      return { allowed, lines };
    }
  }

  let now = systemClock.now();
  if (values.time !== undefined) {
    now = Date.parse(values.time as string);
    if (Number.isNaN(now)) throw new ConfigError(`--time must be an ISO 8601 date, got ${JSON.stringify(values.time)}`);
  }
  const request = {
    principal: identity.principal,
    action,
    resource,
    identityPolicies: identity.policies,
    resourcePolicy,
    context: {
      now,
      sourceIp: values['source-ip'] as string | undefined,
      userAgent: values['user-agent'] as string | undefined,
      secureTransport: values['secure-transport'] === true,
      resourceTags: tags,
    },
  };
  const decision = authorize(request);
  const keysRead = conditionKeysRead(request);
  const statementText = (ref: StatementRef): string => {
    const pol = ref.kind === 'resource' ? resourcePolicy : identity.policies.find((p) => p.name === ref.policy);
    const s = pol?.statements[ref.index];
    return s ? `    ${JSON.stringify(s.source)}` : '';
  };
  if (values.json) {
    lines.length = 0;
    lines.push(
      JSON.stringify(
        {
          allowed: decision.allowed,
          explicit: decision.explicit,
          reason: decision.reason,
          action: decision.action,
          resource: decision.resource,
          principal: identity.principal.arn,
          accessKeyId: identity.accessKeyId,
          statements: decision.statements.map((r) => ({ ...r, text: describeStatement(r) })),
          conditionKeys: keysRead.map((k) => ({ key: k.key, values: k.values ?? null })),
          message: decision.message || undefined,
        },
        null,
        2,
      ),
    );
    return { allowed: decision.allowed, lines };
  }
  const out = [
    `${decision.allowed ? 'ALLOWED' : 'DENIED'}  ${decision.action} on ${decision.resource}`,
    `principal: ${identity.principal.arn} (access key ${identity.accessKeyId}${identity.principal.admin ? ', administrator' : ''})`,
    ...lines,
    `reason: ${decision.reason}`,
  ];
  if (decision.statements.length === 0)
    out.push(decision.allowed ? 'deciding statement: none (administrator of the account)' : 'deciding statement: none (default deny)');
  for (const r of decision.statements) {
    out.push(`deciding statement: ${describeStatement(r)}`);
    const t = statementText(r);
    if (t) out.push(t);
  }
  if (!decision.allowed) out.push(`message: ${decision.message}`);
  out.push(...conditionKeyLines(keysRead, policyFile !== undefined));
  return { allowed: decision.allowed, lines: out };
}

/** What the check knew of each condition key the deciding candidates read, and how to give an absent one. */
function conditionKeyLines(keysRead: readonly ConditionKeyRead[], policyFromFile: boolean): string[] {
  const out: string[] = [];
  let absent = false;
  for (const { key, values } of keysRead) {
    const k = key.toLowerCase();
    if (values !== undefined && values.length > 0) {
      const tls = k === 'aws:securetransport' && values[0] === 'false' ? ' (give --secure-transport for a request over HTTPS)' : '';
      out.push(`condition key ${key}: ${values.join(', ')}${tls}`);
      continue;
    }
    absent = true;
    let hint = '';
    if (k === 'aws:sourceip') hint = ': give --source-ip <address>';
    else if (k === 'aws:useragent') hint = ': give --user-agent <string>';
    else if (k.startsWith('aws:resourcetag/'))
      hint = policyFromFile ? ": with --queue-policy the queue's tags are not read" : ': the queue has no such tag';
    else if (k.startsWith('aws:requesttag/') || k === 'aws:tagkeys') hint = ': the tags a request sets (CreateQueue, TagQueue) are not simulated';
    else if (k === 'aws:sourcearn' || k === 'aws:sourceaccount') hint = ': only a service acting for a resource has it; no Ferry caller does';
    else if (k === 'aws:username') hint = ': the account root has no user name';
    out.push(`condition key ${key}: absent in this check${hint}`);
  }
  if (absent) out.push('  (a condition on an absent key matches only through …IfExists, Null or a negated operator, as on the server)');
  return out;
}
