<?php
// A whole SQS workflow through async-aws/sqs's SqsClient (Debian's php-async-aws-sqs 1.7 on
// php-async-aws-core 1.18, AWS Query protocol) against a Ferry server started with --auth sigv4;
// driven by test/conformance/sdks.test.ts.
//
// Usage: php async_aws_sqs.php <endpoint> <queue-name-prefix> <access-key-id> <secret-access-key>
//
// This client has no SetQueueAttributes, tag actions (but CreateQueue's tags) or
// ListDeadLetterSourceQueues, and verifies no MD5: the MD5s of bodies and attributes are checked here.
// Every check that fails prints a "FAIL ..." line and the run goes on; the last line is "OK <checks>"
// when all passed (exit 0), else "FAILED <n>" (exit 1).

declare(strict_types=1);

require_once 'AsyncAws/Sqs/autoload.php';

use AsyncAws\Core\Exception\Http\ClientException;
use AsyncAws\Core\Exception\Http\HttpException;
use AsyncAws\Sqs\SqsClient;

if ($argc !== 5) {
    fwrite(STDERR, "usage: async_aws_sqs.php <endpoint> <prefix> <access-key-id> <secret-access-key>\n");
    exit(2);
}
[, $endpoint, $prefix, $keyId, $secret] = $argv;
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
$checks = 0;
$failures = 0;

function check(bool $ok, string $what): bool
{
    global $checks, $failures;
    ++$checks;
    if (!$ok) {
        ++$failures;
        echo "FAIL $what\n";
    }

    return $ok;
}

/** Expect `$call` to fail with this AWS code and HTTP status (and, when named, the client's exception class). */
function expectError(string $code, int $status, string $what, callable $call, ?string $class = null): void
{
    global $checks, $failures;
    ++$checks;
    try {
        $call();
        ++$failures;
        echo "FAIL $what: succeeded, expected $code ($status)\n";
    } catch (HttpException $e) {
        $got = $e->getResponse()->getStatusCode();
        if ($e->getAwsCode() !== $code || $got !== $status || '' === (string) $e->getAwsMessage() || 'Sender' !== $e->getAwsType()
            || (null !== $class && !$e instanceof $class)) {
            ++$failures;
            echo sprintf("FAIL %s: got %s %s (%d) %s %s, expected %s (%d)%s\n", $what, get_class($e), var_export($e->getAwsCode(), true), $got,
                var_export($e->getAwsType(), true), var_export($e->getAwsMessage(), true), $code, $status, $class ? " $class" : '');
        }
    }
}

/** AWS's MD5 of message attributes (names in byte order; length-prefixed name, type, transport type, value). */
function md5OfAttributes(array $attrs): string
{
    ksort($attrs, \SORT_STRING);
    $buf = '';
    $put = static function (string $s) use (&$buf): void { $buf .= pack('N', strlen($s)).$s; };
    foreach ($attrs as $name => $v) {
        $put((string) $name);
        $put($v['DataType']);
        if (isset($v['BinaryValue'])) {
            $buf .= "\x02";
            $put($v['BinaryValue']);
        } else {
            $buf .= "\x01";
            $put($v['StringValue']);
        }
    }

    return md5($buf);
}

/** A received attribute as the array shape sent. */
function attributeArray($v): array
{
    return null !== $v->getBinaryValue()
        ? ['DataType' => $v->getDataType(), 'BinaryValue' => $v->getBinaryValue()]
        : ['DataType' => $v->getDataType(), 'StringValue' => $v->getStringValue()];
}

function client(string $endpoint, string $keyId, string $secret): SqsClient
{
    return new SqsClient(['endpoint' => $endpoint, 'region' => REGION, 'accessKeyId' => $keyId, 'accessKeySecret' => $secret]);
}

$c = client($endpoint, $keyId, $secret);
$arn = static fn (string $name): string => 'arn:aws:sqs:'.REGION.':'.ACCOUNT.":$name";
$url = static fn (string $name): string => "$endpoint/".ACCOUNT."/$name";

// --- Queues.
$stdName = "$prefix-std";
$std = $c->createQueue(['QueueName' => $stdName, 'Attributes' => ['VisibilityTimeout' => '5', 'MaximumMessageSize' => '2048'], 'tags' => ['team' => 'ferry']])->getQueueUrl();
check($std === $url($stdName), "CreateQueue QueueUrl $std");
check($c->createQueue(['QueueName' => $stdName, 'Attributes' => ['VisibilityTimeout' => '5', 'MaximumMessageSize' => '2048']])->getQueueUrl() === $std, 'CreateQueue again');
expectError('QueueAlreadyExists', 400, 'CreateQueue with different attributes',
    static fn () => $c->createQueue(['QueueName' => $stdName, 'Attributes' => ['VisibilityTimeout' => '6']])->resolve());
$dlqName = "$prefix-dlq";
$dlq = $c->createQueue(['QueueName' => $dlqName])->getQueueUrl();
$srcName = "$prefix-src";
$src = $c->createQueue(['QueueName' => $srcName, 'Attributes' => [
    'RedrivePolicy' => json_encode(['deadLetterTargetArn' => $arn($dlqName), 'maxReceiveCount' => 2]), 'VisibilityTimeout' => '1',
]])->getQueueUrl();
$cbd = $c->createQueue(['QueueName' => "$prefix-cbd.fifo", 'Attributes' => ['FifoQueue' => 'true', 'ContentBasedDeduplication' => 'true']])->getQueueUrl();
$exp = $c->createQueue(['QueueName' => "$prefix-exp.fifo", 'Attributes' => ['FifoQueue' => 'true']])->getQueueUrl();
expectError('InvalidParameterValue', 400, 'CreateQueue FifoQueue without .fifo',
    static fn () => $c->createQueue(['QueueName' => "$prefix-nofifo", 'Attributes' => ['FifoQueue' => 'true']])->resolve());

// --- Attributes.
$all = $c->getQueueAttributes(['QueueUrl' => $std, 'AttributeNames' => ['All']])->getAttributes();
$keys = array_keys($all);
sort($keys);
check($keys === ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible', 'CreatedTimestamp',
    'DelaySeconds', 'LastModifiedTimestamp', 'MaximumMessageSize', 'MessageRetentionPeriod', 'QueueArn', 'ReceiveMessageWaitTimeSeconds',
    'SqsManagedSseEnabled', 'VisibilityTimeout'], 'GetQueueAttributes All keys '.implode(',', $keys));
check(($all['QueueArn'] ?? '') === $arn($stdName) && ($all['VisibilityTimeout'] ?? '') === '5', 'QueueArn, VisibilityTimeout '.json_encode($all));
check(abs(time() - (int) ($all['CreatedTimestamp'] ?? 0)) < 300, 'CreatedTimestamp (seconds) '.($all['CreatedTimestamp'] ?? ''));
$some = $c->getQueueAttributes(['QueueUrl' => $std, 'AttributeNames' => ['MaximumMessageSize', 'VisibilityTimeout']])->getAttributes();
check($some == ['MaximumMessageSize' => '2048', 'VisibilityTimeout' => '5'], 'GetQueueAttributes specific '.json_encode($some));
// This client refuses attribute names it does not know before sending: an invalid value instead.
expectError('InvalidAttributeValue', 400, 'CreateQueue with VisibilityTimeout out of range',
    static fn () => $c->createQueue(['QueueName' => "$prefix-badattr", 'Attributes' => ['VisibilityTimeout' => '43201']])->resolve());
$rp = json_decode($c->getQueueAttributes(['QueueUrl' => $src, 'AttributeNames' => ['RedrivePolicy']])->getAttributes()['RedrivePolicy'] ?? 'null', true);
check(($rp['deadLetterTargetArn'] ?? '') === $arn($dlqName) && (string) ($rp['maxReceiveCount'] ?? '') === '2', 'RedrivePolicy '.json_encode($rp));
$fa = $c->getQueueAttributes(['QueueUrl' => $cbd, 'AttributeNames' => ['FifoQueue', 'ContentBasedDeduplication']])->getAttributes();
check($fa == ['FifoQueue' => 'true', 'ContentBasedDeduplication' => 'true'], 'FIFO attributes '.json_encode($fa));

// --- GetQueueUrl, queueExists, ListQueues.
check($c->getQueueUrl(['QueueName' => $stdName])->getQueueUrl() === $std, 'GetQueueUrl');
check($c->getQueueUrl(['QueueName' => $stdName, 'QueueOwnerAWSAccountId' => ACCOUNT])->getQueueUrl() === $std, 'GetQueueUrl with owner');
expectError('AWS.SimpleQueueService.NonExistentQueue', 400, 'GetQueueUrl of a missing queue',
    static fn () => $c->getQueueUrl(['QueueName' => "$prefix-missing"])->resolve(), \AsyncAws\Sqs\Exception\QueueDoesNotExistException::class);
expectError('AWS.SimpleQueueService.NonExistentQueue', 400, 'SendMessage to a missing queue',
    static fn () => $c->sendMessage(['QueueUrl' => $url("$prefix-missing"), 'MessageBody' => 'x'])->resolve());
check($c->queueExists(['QueueName' => $stdName])->isSuccess(), 'queueExists of a queue');
// The waiter reads AWS.SimpleQueueService.NonExistentQueue with HTTP 400 as "not yet" (pending).
check($c->queueExists(['QueueName' => "$prefix-missing"])->isPending(), 'queueExists of a missing queue');
$want = [$std, $dlq, $src, $cbd, $exp];
sort($want);
$list = $c->listQueues(['QueueNamePrefix' => $prefix]);
$listed = iterator_to_array($list->getQueueUrls(true), false);
sort($listed);
check($listed === $want && null === $list->getNextToken(), 'ListQueues prefix '.json_encode($listed));
// getQueueUrls() follows NextToken through every page.
$paged = iterator_to_array($c->listQueues(['QueueNamePrefix' => $prefix, 'MaxResults' => 2])->getQueueUrls(), false);
sort($paged);
check($paged === $want, 'ListQueues by pages of 2 '.json_encode($paged));
$first = $c->listQueues(['QueueNamePrefix' => $prefix, 'MaxResults' => 2]);
check(2 === count(iterator_to_array($first->getQueueUrls(true), false)) && null !== $first->getNextToken(), 'ListQueues first page');
check([] === iterator_to_array($c->listQueues(['QueueNamePrefix' => "$prefix-nothing"])->getQueueUrls(), false), 'ListQueues no match');

// --- SendMessage with every attribute type.
$body = "héllo <&> \"wörld\"\r\n\t\u{1F600}";
$attrs = [
    'str' => ['DataType' => 'String', 'StringValue' => 'blue & <green>'],
    'num' => ['DataType' => 'Number', 'StringValue' => '-12.5e3'],
    'bin' => ['DataType' => 'Binary', 'BinaryValue' => "\x00\x01\x02\xfe\xff"],
    'custom' => ['DataType' => 'String.foo', 'StringValue' => 'custom ü'],
    'numtype' => ['DataType' => 'Number.int', 'StringValue' => '7'],
    'bintype' => ['DataType' => 'Binary.gif', 'BinaryValue' => 'GIF89a'],
];
$trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
$sent = $c->sendMessage(['QueueUrl' => $std, 'MessageBody' => $body, 'MessageAttributes' => $attrs,
    'MessageSystemAttributes' => ['AWSTraceHeader' => ['DataType' => 'String', 'StringValue' => $trace]]]);
check($sent->getMd5OfMessageSystemAttributes() === md5OfAttributes(['AWSTraceHeader' => ['DataType' => 'String', 'StringValue' => $trace]]),
    'SendMessage MD5OfMessageSystemAttributes '.$sent->getMd5OfMessageSystemAttributes());
check($sent->getMd5OfMessageBody() === md5($body), 'SendMessage MD5OfMessageBody '.$sent->getMd5OfMessageBody());
check($sent->getMd5OfMessageAttributes() === md5OfAttributes($attrs), 'SendMessage MD5OfMessageAttributes '.$sent->getMd5OfMessageAttributes().' expected '.md5OfAttributes($attrs));
check(null === $sent->getSequenceNumber(), 'SendMessage to a standard queue returned a SequenceNumber');
$msgs = $c->receiveMessage(['QueueUrl' => $std, 'AttributeNames' => ['All'], 'MessageAttributeNames' => ['All'], 'MaxNumberOfMessages' => 10,
    'VisibilityTimeout' => 2, 'WaitTimeSeconds' => 1])->getMessages();
if (check(1 === count($msgs), 'ReceiveMessage: '.count($msgs).' messages')) {
    $m = $msgs[0];
    check($m->getBody() === $body && $m->getMd5OfBody() === md5($body), 'Body '.json_encode($m->getBody()).' MD5OfBody '.$m->getMd5OfBody());
    check($m->getMessageId() === $sent->getMessageId(), 'MessageId');
    $got = array_map('attributeArray', $m->getMessageAttributes());
    check(md5OfAttributes($got) === md5OfAttributes($attrs) && $m->getMd5OfMessageAttributes() === md5OfAttributes($attrs),
        'received attributes '.json_encode(array_map(static fn ($a) => isset($a['BinaryValue']) ? base64_encode($a['BinaryValue']) : $a, $got)).' md5 '.$m->getMd5OfMessageAttributes());
    $sys = $m->getAttributes();
    ksort($sys);
    check(array_keys($sys) === ['AWSTraceHeader', 'ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp']
        && $sys['AWSTraceHeader'] === $trace, 'system attributes '.json_encode($sys));
    check(abs(microtime(true) * 1000 - (int) ($sys['SentTimestamp'] ?? 0)) < 60000 && '1' === ($sys['ApproximateReceiveCount'] ?? ''), 'SentTimestamp (ms), ApproximateReceiveCount');
    $c->changeMessageVisibility(['QueueUrl' => $std, 'ReceiptHandle' => $m->getReceiptHandle(), 'VisibilityTimeout' => 0])->resolve();
    $f = $c->receiveMessage(['QueueUrl' => $std, 'MessageAttributeNames' => ['str', 'bin'], 'AttributeNames' => ['ApproximateReceiveCount']])->getMessages();
    if (check(1 === count($f), 'filtered receive: '.count($f).' messages')) {
        $sub = ['str' => $attrs['str'], 'bin' => $attrs['bin']];
        check(2 === count($f[0]->getMessageAttributes()) && $f[0]->getMd5OfMessageAttributes() === md5OfAttributes($sub), 'filtered attributes md5 '.$f[0]->getMd5OfMessageAttributes());
        check($f[0]->getAttributes() === ['ApproximateReceiveCount' => '2'], 'filtered system attributes '.json_encode($f[0]->getAttributes()));
        $c->deleteMessage(['QueueUrl' => $std, 'ReceiptHandle' => $f[0]->getReceiptHandle()])->resolve();
    }
}
expectError('InvalidParameterValue', 400, 'SendMessage with a non-numeric Number attribute',
    static fn () => $c->sendMessage(['QueueUrl' => $std, 'MessageBody' => 'x', 'MessageAttributes' => ['bad' => ['DataType' => 'Number', 'StringValue' => 'abc']]])->resolve());
expectError('InvalidParameterValue', 400, 'SendMessage over MaximumMessageSize',
    static fn () => $c->sendMessage(['QueueUrl' => $std, 'MessageBody' => str_repeat('x', 2049)])->resolve());

// --- Delay and long polling.
$start = microtime(true);
$c->sendMessage(['QueueUrl' => $std, 'MessageBody' => 'delayed', 'DelaySeconds' => 1])->resolve();
$delayed = $c->getQueueAttributes(['QueueUrl' => $std, 'AttributeNames' => ['ApproximateNumberOfMessagesDelayed']])->getAttributes();
check('1' === ($delayed['ApproximateNumberOfMessagesDelayed'] ?? ''), 'ApproximateNumberOfMessagesDelayed '.json_encode($delayed));
$d = $c->receiveMessage(['QueueUrl' => $std, 'WaitTimeSeconds' => 3])->getMessages();
$el = microtime(true) - $start;
if (check(1 === count($d) && $el >= 0.9 && $el < 2.9, 'long poll: '.count($d)." messages after $el s")) {
    $c->changeMessageVisibility(['QueueUrl' => $std, 'ReceiptHandle' => $d[0]->getReceiptHandle(), 'VisibilityTimeout' => 60])->resolve();
    $c->deleteMessage(['QueueUrl' => $std, 'ReceiptHandle' => $d[0]->getReceiptHandle()])->resolve();
}
$start = microtime(true);
$e = $c->receiveMessage(['QueueUrl' => $std, 'WaitTimeSeconds' => 1])->getMessages();
check([] === $e && microtime(true) - $start >= 0.9, 'empty long poll');

// --- Invalid receipt handles.
expectError('ReceiptHandleIsInvalid', 404, 'DeleteMessage with an invalid receipt handle',
    static fn () => $c->deleteMessage(['QueueUrl' => $std, 'ReceiptHandle' => 'not-a-receipt-handle'])->resolve(),
    \AsyncAws\Sqs\Exception\ReceiptHandleIsInvalidException::class);
expectError('ReceiptHandleIsInvalid', 404, 'ChangeMessageVisibility with an invalid receipt handle',
    static fn () => $c->changeMessageVisibility(['QueueUrl' => $std, 'ReceiptHandle' => 'not-a-receipt-handle', 'VisibilityTimeout' => 5])->resolve(),
    \AsyncAws\Sqs\Exception\ReceiptHandleIsInvalidException::class);

// --- Batches with a partial failure.
$battrs = ['n' => ['DataType' => 'Number', 'StringValue' => '1'], 'b' => ['DataType' => 'Binary', 'BinaryValue' => "\x09\x08\x07"]];
$sb = $c->sendMessageBatch(['QueueUrl' => $std, 'Entries' => [
    ['Id' => 'a', 'MessageBody' => 'first', 'MessageAttributes' => $battrs],
    ['Id' => 'b', 'MessageBody' => "bad \u{1} body"],
    ['Id' => 'c', 'MessageBody' => 'third', 'DelaySeconds' => 0],
]]);
$ok = array_map(static fn ($s) => $s->getId(), $sb->getSuccessful());
sort($ok);
check($ok === ['a', 'c'], 'SendMessageBatch successful '.json_encode($ok));
foreach ($sb->getSuccessful() as $s) {
    $want = 'a' === $s->getId() ? 'first' : 'third';
    check($s->getMd5OfMessageBody() === md5($want), 'SendMessageBatch MD5OfMessageBody of '.$s->getId());
    if ('a' === $s->getId()) {
        check($s->getMd5OfMessageAttributes() === md5OfAttributes($battrs), 'SendMessageBatch MD5OfMessageAttributes '.$s->getMd5OfMessageAttributes());
    }
}
$failed = $sb->getFailed();
if (check(1 === count($failed), 'SendMessageBatch failed '.count($failed))) {
    check('b' === $failed[0]->getId() && 'InvalidMessageContents' === $failed[0]->getCode() && $failed[0]->getSenderFault() && '' !== (string) $failed[0]->getMessage(),
        'SendMessageBatch failure '.$failed[0]->getCode());
}
expectError('AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400, 'SendMessageBatch with repeated ids',
    static fn () => $c->sendMessageBatch(['QueueUrl' => $std, 'Entries' => [['Id' => 'x', 'MessageBody' => '1'], ['Id' => 'x', 'MessageBody' => '2']]])->resolve(),
    \AsyncAws\Sqs\Exception\BatchEntryIdsNotDistinctException::class);
$rb = $c->receiveMessage(['QueueUrl' => $std, 'MaxNumberOfMessages' => 10, 'WaitTimeSeconds' => 1])->getMessages();
if (2 > count($rb)) {
    $rb = array_merge($rb, $c->receiveMessage(['QueueUrl' => $std, 'MaxNumberOfMessages' => 10, 'WaitTimeSeconds' => 1])->getMessages());
}
if (check(2 === count($rb), 'received '.count($rb).' of the batch')) {
    $cv = $c->changeMessageVisibilityBatch(['QueueUrl' => $std, 'Entries' => [
        ['Id' => 'v1', 'ReceiptHandle' => $rb[0]->getReceiptHandle(), 'VisibilityTimeout' => 30],
        ['Id' => 'v2', 'ReceiptHandle' => $rb[1]->getReceiptHandle(), 'VisibilityTimeout' => 30],
        ['Id' => 'v3', 'ReceiptHandle' => 'garbage', 'VisibilityTimeout' => 30],
    ]]);
    check(2 === count($cv->getSuccessful()) && 1 === count($cv->getFailed()) && 'v3' === $cv->getFailed()[0]->getId()
        && 'ReceiptHandleIsInvalid' === $cv->getFailed()[0]->getCode() && $cv->getFailed()[0]->getSenderFault(), 'ChangeMessageVisibilityBatch');
    $db = $c->deleteMessageBatch(['QueueUrl' => $std, 'Entries' => [
        ['Id' => 'd1', 'ReceiptHandle' => $rb[0]->getReceiptHandle()],
        ['Id' => 'd2', 'ReceiptHandle' => $rb[1]->getReceiptHandle()],
        ['Id' => 'd3', 'ReceiptHandle' => 'garbage'],
    ]]);
    check(2 === count($db->getSuccessful()) && 1 === count($db->getFailed()) && 'd3' === $db->getFailed()[0]->getId()
        && 'ReceiptHandleIsInvalid' === $db->getFailed()[0]->getCode() && $db->getFailed()[0]->getSenderFault(), 'DeleteMessageBatch');
}

// --- PurgeQueue.
for ($i = 0; $i < 3; ++$i) {
    $c->sendMessage(['QueueUrl' => $std, 'MessageBody' => 'purge me'])->resolve();
}
$c->purgeQueue(['QueueUrl' => $std])->resolve();
check([] === $c->receiveMessage(['QueueUrl' => $std])->getMessages(), 'messages left after PurgeQueue');

// --- FIFO: order within a group, explicit and content-based deduplication.
for ($i = 0; $i < 3; ++$i) {
    $r = $c->sendMessage(['QueueUrl' => $exp, 'MessageBody' => "m$i", 'MessageGroupId' => 'g', 'MessageDeduplicationId' => "d$i"]);
    check('' !== (string) $r->getSequenceNumber(), 'FIFO SendMessage without SequenceNumber');
}
$dup = $c->sendMessage(['QueueUrl' => $exp, 'MessageBody' => 'm0 again', 'MessageGroupId' => 'g', 'MessageDeduplicationId' => 'd0']);
expectError('InvalidParameterValue', 400, 'FIFO SendMessage without a deduplication id',
    static fn () => $c->sendMessage(['QueueUrl' => $exp, 'MessageBody' => 'x', 'MessageGroupId' => 'g'])->resolve());
expectError('MissingParameter', 400, 'FIFO SendMessage without MessageGroupId',
    static fn () => $c->sendMessage(['QueueUrl' => $exp, 'MessageBody' => 'x', 'MessageDeduplicationId' => 'dx'])->resolve());
$order = [];
for ($i = 0; $i < 4 && count($order) < 3; ++$i) {
    foreach ($c->receiveMessage(['QueueUrl' => $exp, 'MaxNumberOfMessages' => 1, 'AttributeNames' => ['All']])->getMessages() as $m) {
        $order[] = $m->getBody();
        $a = $m->getAttributes();
        check('g' === ($a['MessageGroupId'] ?? '') && '' !== ($a['MessageDeduplicationId'] ?? '') && '' !== ($a['SequenceNumber'] ?? ''), 'FIFO system attributes '.json_encode($a));
        if ('m0' === $m->getBody()) {
            check($m->getMessageId() === $dup->getMessageId(), 'the duplicate send returned another MessageId');
        }
        $c->deleteMessage(['QueueUrl' => $exp, 'ReceiptHandle' => $m->getReceiptHandle()])->resolve();
    }
}
check(['m0', 'm1', 'm2'] === $order, 'FIFO order '.json_encode($order));
$fb = $c->sendMessageBatch(['QueueUrl' => $cbd, 'Entries' => [
    ['Id' => '1', 'MessageBody' => 'same', 'MessageGroupId' => 'g1'],
    ['Id' => '2', 'MessageBody' => 'same', 'MessageGroupId' => 'g2'],
    ['Id' => '3', 'MessageBody' => 'other', 'MessageGroupId' => 'g1'],
]]);
check(3 === count($fb->getSuccessful()) && [] === $fb->getFailed(), 'SendMessageBatch FIFO content-based');
$bodies = [];
foreach ($c->receiveMessage(['QueueUrl' => $cbd, 'MaxNumberOfMessages' => 10, 'AttributeNames' => ['MessageDeduplicationId']])->getMessages() as $m) {
    $bodies[] = $m->getBody();
    if ('same' === $m->getBody()) {
        check(hash('sha256', 'same') === ($m->getAttributes()['MessageDeduplicationId'] ?? ''), 'content-based MessageDeduplicationId');
    }
}
check(['same', 'other'] === $bodies, 'content-based deduplication '.json_encode($bodies));

// --- maxReceiveCount: the receive past the second moves the message to the dead-letter queue.
$poison = $c->sendMessage(['QueueUrl' => $src, 'MessageBody' => 'poison'])->getMessageId();
for ($i = 1; $i <= 2; ++$i) {
    check(1 === count($c->receiveMessage(['QueueUrl' => $src, 'WaitTimeSeconds' => 3])->getMessages()), "poison receive $i");
}
usleep(1100000);
check([] === $c->receiveMessage(['QueueUrl' => $src])->getMessages(), 'received a message past maxReceiveCount');
$dead = $c->receiveMessage(['QueueUrl' => $dlq, 'AttributeNames' => ['All'], 'WaitTimeSeconds' => 2])->getMessages();
if (check(1 === count($dead), 'dead-letter queue: '.count($dead).' messages')) {
    check($dead[0]->getMessageId() === $poison && 'poison' === $dead[0]->getBody(), 'dead letter');
    check(($dead[0]->getAttributes()['DeadLetterQueueSourceArn'] ?? '') === $arn($srcName), 'DeadLetterQueueSourceArn');
}

// --- Requests refused by authentication.
expectError('SignatureDoesNotMatch', 403, 'a request signed with the wrong secret',
    static fn () => client($endpoint, $keyId, $secret.'x')->listQueues()->resolve());
expectError('InvalidClientTokenId', 403, 'a request signed with an unknown key',
    static fn () => client($endpoint, 'AKIDUNKNOWNKEY', $secret)->listQueues()->resolve());

// --- DeleteQueue.
foreach ([$std, $src, $dlq, $cbd, $exp] as $q) {
    $c->deleteQueue(['QueueUrl' => $q])->resolve();
}
expectError('AWS.SimpleQueueService.NonExistentQueue', 400, 'GetQueueAttributes of a deleted queue',
    static fn () => $c->getQueueAttributes(['QueueUrl' => $std, 'AttributeNames' => ['All']])->resolve());

if ($failures > 0) {
    echo "FAILED $failures\n";
    exit(1);
}
echo "OK $checks\n";
