<?php
// Symfony Messenger's Amazon SQS transport (Debian's php-symfony-amazon-sqs-messenger, over async-aws/sqs)
// against Ferry: a message bus routes messages to the transport (the transport creates the queue:
// auto_setup), a Worker consumes them through a handler and acks them, a rejected message is deleted,
// and a second transport naming the account in its DSN path reaches the same queue.
//
// Usage: php symfony_messenger.php <host:port> <queue name>. Credentials: AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY. Prints "OK <n>" (n = messages handled) and exits 0, or exits 1 with the reason.

declare(strict_types=1);

require_once 'Symfony/Component/Messenger/Bridge/AmazonSqs/autoload.php';
require_once 'Psr/Container/autoload.php';

use Psr\Container\ContainerInterface;
use Symfony\Component\Messenger\Bridge\AmazonSqs\Transport\AmazonSqsReceivedStamp;
use Symfony\Component\Messenger\Bridge\AmazonSqs\Transport\AmazonSqsTransportFactory;
use Symfony\Component\Messenger\Envelope;
use Symfony\Component\Messenger\Handler\HandlersLocator;
use Symfony\Component\Messenger\MessageBus;
use Symfony\Component\Messenger\Middleware\HandleMessageMiddleware;
use Symfony\Component\Messenger\Middleware\SendMessageMiddleware;
use Symfony\Component\Messenger\Stamp\DelayStamp;
use Symfony\Component\Messenger\Transport\Sender\SendersLocator;
use Symfony\Component\Messenger\Transport\Serialization\PhpSerializer;
use Symfony\Component\Messenger\Transport\TransportInterface;
use Symfony\Component\Messenger\Worker;

final class Greeting
{
    public function __construct(public string $text)
    {
    }
}

final class OneTransport implements ContainerInterface
{
    public function __construct(private TransportInterface $transport)
    {
    }

    public function get(string $id): TransportInterface
    {
        return $this->transport;
    }

    public function has(string $id): bool
    {
        return 'sqs' === $id;
    }
}

function check(bool $ok, string $what): void
{
    if (!$ok) {
        fwrite(STDERR, "FAIL: $what\n");
        exit(1);
    }
}

[, $hostPort, $queue] = $argv + [null, null, null];
check(null !== $hostPort && null !== $queue, 'usage: php symfony_messenger.php <host:port> <queue name>');
$key = rawurlencode((string) getenv('AWS_ACCESS_KEY_ID'));
$secret = rawurlencode((string) getenv('AWS_SECRET_ACCESS_KEY'));

// The DSN: Ferry's host:port, the queue's name as the path, plain HTTP (sslmode=disable), any region
// (Ferry takes the one the request is signed for), wait_time=1 keeps the Worker's long polls short.
$dsn = "sqs://$hostPort/$queue?sslmode=disable&region=us-east-1&access_key=$key&secret_key=$secret&wait_time=1";
$factory = new AmazonSqsTransportFactory();
check($factory->supports($dsn, []), 'the factory takes the sqs:// DSN');
$transport = $factory->createTransport($dsn, [], new PhpSerializer());

$handled = [];
$worker = null;
$bus = new MessageBus([
    new SendMessageMiddleware(new SendersLocator([Greeting::class => ['sqs']], new OneTransport($transport))),
    new HandleMessageMiddleware(new HandlersLocator([
        Greeting::class => [function (Greeting $g) use (&$handled, &$worker): void {
            $handled[] = $g->text;
            if (3 === count($handled)) {
                $worker->stop();
            }
        }],
    ])),
]);

// Send: the first dispatch creates the queue (auto_setup: GetQueueUrl, CreateQueue, GetQueueUrl).
$bus->dispatch(new Greeting('hello'));
$bus->dispatch(new Greeting('héllo, wörld'));
$bus->dispatch(new Envelope(new Greeting('later'), [new DelayStamp(1000)])); // DelaySeconds=1
$count = $transport->getMessageCount(); // ApproximateNumberOfMessages leaves out the delayed one
check(2 === $count, "two messages visible, one delayed: $count");

// Consume: the Worker receives, hands each envelope to the bus (the handler), then acks (DeleteMessage).
$worker = new Worker(['sqs' => $transport], $bus);
$started = microtime(true);
$worker->run(['sleep' => 100000]);
check(microtime(true) - $started < 20, 'the worker took too long');
sort($handled);
check(['hello', 'héllo, wörld', 'later'] === $handled, 'handled: '.json_encode($handled));
$transport->reset();
check(0 === $transport->getMessageCount(), 'the queue is empty after the acks: '.$transport->getMessageCount());

// Receive and reject by hand, through a second transport whose DSN names the account in its path
// (GetQueueUrl with QueueOwnerAWSAccountId); a rejected envelope is deleted from the queue.
$byAccount = $factory->createTransport(
    "sqs://$hostPort/000000000000/$queue?sslmode=disable&region=us-east-1&access_key=$key&secret_key=$secret&wait_time=1",
    [],
    new PhpSerializer()
);
$byAccount->send(new Envelope(new Greeting('to reject')));
$got = [];
for ($i = 0; $i < 50 && [] === $got; ++$i) {
    foreach ($byAccount->get() as $envelope) {
        $got[] = $envelope;
    }
}
check(1 === count($got), 'one envelope received by the second transport');
$envelope = $got[0];
check($envelope->getMessage() instanceof Greeting && 'to reject' === $envelope->getMessage()->text, 'the envelope round-trips');
$stamp = $envelope->last(AmazonSqsReceivedStamp::class);
check(null !== $stamp && '' !== $stamp->getId(), 'the envelope carries its receipt handle');
$byAccount->reject($envelope);
$byAccount->reset();
check(0 === $byAccount->getMessageCount(), 'the queue is empty after the reject');

echo 'OK '.count($handled)."\n";
