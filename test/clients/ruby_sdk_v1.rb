# A whole SQS workflow through the AWS SDK for Ruby v1 (Debian's ruby-aws-sdk 1.67, `require 'aws-sdk'`,
# AWS::SQS, AWS Query protocol) against a Ferry server started with --auth sigv4; driven by
# test/conformance/sdks.test.ts.
#
# Usage: ruby ruby_sdk_v1.rb <host> <port> <queue-name-prefix> <access-key-id> <secret-access-key>
#
# This SDK predates tags, PurgeQueue, ListQueues pagination and FIFO queues' send parameters
# (MessageGroupId, MessageDeduplicationId): its client refuses options it does not know, so those are
# left out. Its Queue objects verify the MD5 of bodies on send and receive; the MD5 of message
# attributes is checked here.
#
# Every check that fails prints a "FAIL ..." line and the run goes on; the last line is "OK <checks>"
# when all passed (exit 0), else "FAILED <n>" (exit 1).
require 'aws-sdk'
require 'digest'
require 'json'

host, port, prefix, key_id, secret = ARGV
abort 'usage: ruby_sdk_v1.rb <host> <port> <prefix> <access-key-id> <secret-access-key>' unless secret

REGION = 'us-east-1'
ACCOUNT = '000000000000'
$checks = 0
$failures = 0

def check(ok, what)
  $checks += 1
  return true if ok
  $failures += 1
  puts "FAIL #{what}"
  false
end

# Expect `block` to raise the SDK's error for `code` (its class is named after the code without the
# AWS.SimpleQueueService. prefix), with that HTTP status.
def expect_error(code, status, what)
  yield
  $checks += 1
  $failures += 1
  puts "FAIL #{what}: succeeded, expected #{code} (#{status})"
rescue AWS::Errors::Base => e
  $checks += 1
  klass = code.sub(/^AWS\.SimpleQueueService\./, '')
  got = e.class.name.split('::').last
  return if got == klass && e.code == code && e.http_response.status == status && !e.message.to_s.empty?
  $failures += 1
  puts "FAIL #{what}: got #{e.class.name} code #{e.code.inspect} (#{e.http_response.status}) #{e.message.inspect}, expected #{code} (#{status})"
end

# AWS's MD5 of message attributes: names in byte order; length-prefixed name, data type, transport
# type (1 string, 2 binary) and value.
def md5_of_attributes(attrs)
  buf = ''.b
  put = ->(s) { s = s.to_s.b; buf << [s.bytesize].pack('N') << s }
  attrs.keys.map(&:to_s).sort_by(&:b).each do |name|
    v = attrs[name]
    put.(name)
    put.(v[:data_type])
    if v[:binary_value]
      buf << "\x02".b
      put.(v[:binary_value])
    else
      buf << "\x01".b
      put.(v[:string_value])
    end
  end
  Digest::MD5.hexdigest(buf)
end

AWS.config(access_key_id: key_id, secret_access_key: secret, region: REGION, sqs_endpoint: host,
           sqs_port: Integer(port), use_ssl: false, max_retries: 0)
sqs = AWS::SQS.new
c = sqs.client
arn = ->(name) { "arn:aws:sqs:#{REGION}:#{ACCOUNT}:#{name}" }

# --- Queues. This SDK sends `Host: <host>` without the port, so the queue URLs Ferry builds from it
# name no port; the SDK sends its requests to the configured port whatever the URL says.
base = "http://#{host}/#{ACCOUNT}"
std_name = "#{prefix}-std"
std_url = c.create_queue(queue_name: std_name, attributes: { 'VisibilityTimeout' => '5' })[:queue_url]
check(std_url == "#{base}/#{std_name}", "CreateQueue QueueUrl #{std_url.inspect}")
std = sqs.queues[std_url]
check(c.create_queue(queue_name: std_name, attributes: { 'VisibilityTimeout' => '5' })[:queue_url] == std_url, 'CreateQueue again')
expect_error('QueueAlreadyExists', 400, 'CreateQueue with different attributes') do
  c.create_queue(queue_name: std_name, attributes: { 'VisibilityTimeout' => '6' })
end
dlq_name = "#{prefix}-dlq"
dlq = sqs.queues.create(dlq_name)
src_name = "#{prefix}-src"
src = sqs.queues.create(src_name, redrive_policy: { deadLetterTargetArn: arn.(dlq_name), maxReceiveCount: 2 }.to_json,
                                  visibility_timeout: 1)
fifo_name = "#{prefix}-q.fifo"
fifo_url = c.create_queue(queue_name: fifo_name, attributes: { 'FifoQueue' => 'true', 'ContentBasedDeduplication' => 'true' })[:queue_url]
expect_error('InvalidParameterValue', 400, 'CreateQueue FifoQueue without .fifo') do
  c.create_queue(queue_name: "#{prefix}-nofifo", attributes: { 'FifoQueue' => 'true' })
end

# --- Attributes, through the client and the Queue object.
all = c.get_queue_attributes(queue_url: std_url, attribute_names: ['All'])[:attributes]
check(all.keys.sort == %w[ApproximateNumberOfMessages ApproximateNumberOfMessagesDelayed ApproximateNumberOfMessagesNotVisible
                         CreatedTimestamp DelaySeconds LastModifiedTimestamp MaximumMessageSize MessageRetentionPeriod
                         QueueArn ReceiveMessageWaitTimeSeconds SqsManagedSseEnabled VisibilityTimeout],
      "GetQueueAttributes All keys #{all.keys.sort}")
check(all['QueueArn'] == arn.(std_name) && std.arn == arn.(std_name), "QueueArn #{all['QueueArn'].inspect}")
check(std.visibility_timeout == 5, "visibility_timeout #{std.visibility_timeout}")
check((Time.now - std.created_timestamp).abs < 300, "created_timestamp #{std.created_timestamp}")
std.maximum_message_size = 2048
std.wait_time_seconds = 1
some = c.get_queue_attributes(queue_url: std_url, attribute_names: %w[MaximumMessageSize ReceiveMessageWaitTimeSeconds])[:attributes]
check(some == { 'MaximumMessageSize' => '2048', 'ReceiveMessageWaitTimeSeconds' => '1' }, "GetQueueAttributes specific #{some}")
std.wait_time_seconds = 0
expect_error('InvalidAttributeName', 400, 'GetQueueAttributes unknown name') do
  c.get_queue_attributes(queue_url: std_url, attribute_names: ['NoSuchAttribute'])
end
expect_error('InvalidAttributeValue', 400, 'SetQueueAttributes VisibilityTimeout out of range') do
  std.visibility_timeout = 43_201
end
rp = JSON.parse(c.get_queue_attributes(queue_url: src.url, attribute_names: ['RedrivePolicy'])[:attributes]['RedrivePolicy'])
check(rp['deadLetterTargetArn'] == arn.(dlq_name) && rp['maxReceiveCount'].to_s == '2', "RedrivePolicy #{rp}")
fa = c.get_queue_attributes(queue_url: fifo_url, attribute_names: %w[FifoQueue ContentBasedDeduplication])[:attributes]
check(fa == { 'FifoQueue' => 'true', 'ContentBasedDeduplication' => 'true' }, "FIFO attributes #{fa}")

# --- Policies: an AWS::SQS::Policy naming the Queue object (this SDK writes it as the older
# "/<account>/<queue>" resource form), then AddPermission / RemovePermission.
policy = AWS::SQS::Policy.new
policy.allow(actions: %i[send_message receive_message], resources: std, principals: ACCOUNT)
policy.deny(actions: :any, resources: std.arn, principals: :any).where(:source_ip, :is_ip_address, '192.0.2.0/24')
begin
  std.policy = policy
  got = std.policy
  check(got && got.statements.map(&:effect) == %w[Allow Deny] && got.statements.first.resources == ["/#{ACCOUNT}/#{std_name}"],
        "Queue#policy #{got && got.to_json}")
rescue AWS::Errors::Base => e
  check(false, "Queue#policy= #{e.class}: #{e.message}")
end
std.policy = nil
check(std.policy.nil?, 'Queue#policy after policy = nil')
c.add_permission(queue_url: std_url, label: 'perm1', aws_account_ids: [ACCOUNT], actions: %w[SendMessage ReceiveMessage])
pj = JSON.parse(c.get_queue_attributes(queue_url: std_url, attribute_names: ['Policy'])[:attributes]['Policy'] || 'null')
check(pj == { 'Version' => '2008-10-17', 'Id' => "#{arn.(std_name)}/SQSDefaultPolicy",
              'Statement' => [{ 'Sid' => 'perm1', 'Effect' => 'Allow', 'Principal' => { 'AWS' => "arn:aws:iam::#{ACCOUNT}:root" },
                                'Action' => %w[SQS:SendMessage SQS:ReceiveMessage], 'Resource' => arn.(std_name) }] },
      "Policy after AddPermission #{pj}")
expect_error('InvalidParameterValue', 400, 'AddPermission with a label in use') do
  c.add_permission(queue_url: std_url, label: 'perm1', aws_account_ids: [ACCOUNT], actions: %w[DeleteMessage])
end
c.remove_permission(queue_url: std_url, label: 'perm1')
check(std.policy.nil?, 'Policy after RemovePermission')
expect_error('InvalidParameterValue', 400, 'RemovePermission of a missing label') { c.remove_permission(queue_url: std_url, label: 'perm1') }

# --- GetQueueUrl, ListQueues, ListDeadLetterSourceQueues.
check(c.get_queue_url(queue_name: std_name)[:queue_url] == std_url, 'GetQueueUrl')
check(sqs.queues.named(std_name).url == std_url, 'queues.named')
check(c.get_queue_url(queue_name: std_name, queue_owner_aws_account_id: ACCOUNT)[:queue_url] == std_url, 'GetQueueUrl with owner')
expect_error('AWS.SimpleQueueService.NonExistentQueue', 400, 'GetQueueUrl of a missing queue') do
  c.get_queue_url(queue_name: "#{prefix}-missing")
end
expect_error('AWS.SimpleQueueService.NonExistentQueue', 400, 'SendMessage to a missing queue') do
  sqs.queues["#{base}/#{prefix}-missing"].send_message('x')
end
check(!sqs.queues["#{base}/#{prefix}-missing"].exists? && std.exists?, 'Queue#exists?')
listed = c.list_queues(queue_name_prefix: prefix)[:queue_urls].sort
check(listed == [std_url, dlq.url, src.url, fifo_url].sort, "ListQueues prefix #{listed}")
check(sqs.queues.with_prefix(prefix).map(&:url).sort == listed, 'queues.with_prefix')
check(c.list_queues(queue_name_prefix: "#{prefix}-nothing")[:queue_urls] == [], 'ListQueues no match')
dl = c.list_dead_letter_source_queues(queue_url: dlq.url)[:queue_urls]
check(dl == [src.url], "ListDeadLetterSourceQueues #{dl}")

# --- SendMessage with every attribute type (the Queue verifies the body's MD5 on send and receive).
body = "héllo <&> \"wörld\"\r\n\t\u{1F600}"
attrs = {
  'str' => { data_type: 'String', string_value: 'blue & <green>' },
  'num' => { data_type: 'Number', string_value: '-12.5e3' },
  'bin' => { data_type: 'Binary', binary_value: "\x00\x01\x02\xfe\xff".b },
  'custom' => { data_type: 'String.foo', string_value: 'custom ü' },
  'numtype' => { data_type: 'Number.int', string_value: '7' },
  'bintype' => { data_type: 'Binary.gif', binary_value: 'GIF89a' }
}
sent = c.send_message(queue_url: std_url, message_body: body, message_attributes: attrs)
check(sent[:md5_of_message_body] == Digest::MD5.hexdigest(body), 'SendMessage MD5OfMessageBody')
check(sent[:md5_of_message_attributes] == md5_of_attributes(attrs),
      "SendMessage MD5OfMessageAttributes #{sent[:md5_of_message_attributes]}, expected #{md5_of_attributes(attrs)}")
m = std.receive_message(attributes: [:all], message_attribute_names: ['All'], visibility_timeout: 2, wait_time_seconds: 1)
if check(m, 'ReceiveMessage: no message')
  check(m.body == body, "Body #{m.body.inspect}")
  check(m.id == sent[:message_id], 'MessageId')
  got = m.message_attributes.transform_values { |v| v.reject { |k, x| %i[string_list_values binary_list_values].include?(k) && x == [] } }
  check(md5_of_attributes(got) == md5_of_attributes(attrs), "received attributes #{got}")
  check(m.sender_id == ACCOUNT && m.receive_count == 1 && (Time.now - m.sent_at).abs < 60 && (Time.now - m.first_received_at).abs < 60,
        "system attributes #{m.sender_id} #{m.receive_count} #{m.sent_at} #{m.first_received_at}")
  m.visibility_timeout = 0
  r2 = c.receive_message(queue_url: std_url, message_attribute_names: %w[str bin], attribute_names: ['ApproximateReceiveCount'])
  f = r2[:messages][0]
  if check(f, 'filtered receive: no message')
    sub = { 'str' => attrs['str'], 'bin' => attrs['bin'] }
    check(f[:message_attributes].keys.sort == %w[bin str] && f[:md5_of_message_attributes] == md5_of_attributes(sub),
          "filtered attributes #{f[:message_attributes]} md5 #{f[:md5_of_message_attributes]}")
    check(f[:attributes] == { 'ApproximateReceiveCount' => '2' }, "filtered system attributes #{f[:attributes]}")
    c.delete_message(queue_url: std_url, receipt_handle: f[:receipt_handle])
  end
end
expect_error('InvalidParameterValue', 400, 'SendMessage with a non-numeric Number attribute') do
  std.send_message('x', message_attributes: { 'bad' => { data_type: 'Number', string_value: 'abc' } })
end
expect_error('InvalidParameterValue', 400, 'SendMessage over MaximumMessageSize') { std.send_message('x' * 2049) }

# --- Delay and long polling.
start = Time.now
std.send_message('delayed', delay_seconds: 1)
check(std.approximate_number_of_messages_delayed == 1, 'ApproximateNumberOfMessagesDelayed')
d = std.receive_message(wait_time_seconds: 3)
el = Time.now - start
if check(d && el >= 0.9 && el < 2.9, "long poll: #{d.inspect} after #{el}")
  d.visibility_timeout = 60
  d.delete
end
start = Time.now
e = std.receive_message(wait_time_seconds: 1)
check(e.nil? && Time.now - start >= 0.9, "empty long poll: #{e.inspect} after #{Time.now - start}")

# --- Invalid receipt handles.
expect_error('ReceiptHandleIsInvalid', 404, 'DeleteMessage with an invalid receipt handle') do
  c.delete_message(queue_url: std_url, receipt_handle: 'not-a-receipt-handle')
end
expect_error('ReceiptHandleIsInvalid', 404, 'ChangeMessageVisibility with an invalid receipt handle') do
  c.change_message_visibility(queue_url: std_url, receipt_handle: 'not-a-receipt-handle', visibility_timeout: 5)
end

# --- Batches with a partial failure: Queue#batch_send raises BatchSendError listing it.
begin
  std.batch_send('first', "bad \u0001 body", 'third')
  check(false, 'batch_send with an invalid body succeeded')
rescue AWS::SQS::Errors::BatchSendError => e
  check(e.sent.size == 2 && e.failures.size == 1, "BatchSendError #{e.sent.size} sent, #{e.failures}")
  fl = e.failures[0] || {}
  check(fl[:error_code] == 'InvalidMessageContents' && fl[:sender_fault] == true && fl[:batch_index] == 1 && !fl[:error_message].to_s.empty?,
        "batch failure #{fl}")
end
battrs = { 'n' => { data_type: 'Number', string_value: '1' }, 'b' => { data_type: 'Binary', binary_value: "\x09\x08\x07".b } }
bs = c.send_message_batch(queue_url: std_url, entries: [{ id: 'a', message_body: 'fourth', message_attributes: battrs }])
check(bs[:successful][0][:md5_of_message_attributes] == md5_of_attributes(battrs), "SendMessageBatch MD5OfMessageAttributes #{bs[:successful]}")
expect_error('AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400, 'SendMessageBatch with repeated ids') do
  c.send_message_batch(queue_url: std_url, entries: [{ id: 'x', message_body: '1' }, { id: 'x', message_body: '2' }])
end
got = std.receive_message(limit: 10, wait_time_seconds: 1)
got += std.receive_message(limit: 10, wait_time_seconds: 1) if got.size < 3
if check(got.size == 3, "received #{got.size} of the batch")
  std.batch_change_visibility(30, *got)
  begin
    std.batch_change_visibility(30, got[0], 'garbage')
    check(false, 'batch_change_visibility with an invalid handle succeeded')
  rescue AWS::SQS::Errors::BatchChangeVisibilityError => e
    check(e.failures.size == 1 && e.failures[0][:error_code] == 'ReceiptHandleIsInvalid' && e.failures[0][:sender_fault] == true,
          "BatchChangeVisibilityError #{e.failures}")
  end
  begin
    std.batch_delete(*got, 'garbage')
    check(false, 'batch_delete with an invalid handle succeeded')
  rescue AWS::SQS::Errors::BatchDeleteError => e
    check(e.failures.size == 1 && e.failures[0][:error_code] == 'ReceiptHandleIsInvalid' && e.failures[0][:receipt_handle] == 'garbage',
          "BatchDeleteError #{e.failures}")
  end
  check(std.approximate_number_of_messages + std.approximate_number_of_messages_not_visible == 0, 'messages left after batch_delete')
end

# --- poll: receive and delete until idle.
std.batch_send('p1', 'p2', 'p3')
polled = []
std.poll(wait_time_seconds: 1, idle_timeout: 1, batch_size: 10) { |msg| polled << msg.body }
check(polled.sort == %w[p1 p2 p3], "poll #{polled}")
check(std.approximate_number_of_messages + std.approximate_number_of_messages_not_visible == 0, 'messages left after poll')

# --- FIFO: this SDK cannot send MessageGroupId; AWS's error for a send without one.
expect_error('MissingParameter', 400, 'FIFO SendMessage without MessageGroupId') { sqs.queues[fifo_url].send_message('x') }

# --- maxReceiveCount: the receive past the second moves the message to the dead-letter queue.
poison = src.send_message('poison')
2.times do |i|
  check(src.receive_message(wait_time_seconds: 3), "poison receive #{i + 1}")
end
sleep 1.1
check(src.receive_message.nil?, 'received a message past maxReceiveCount')
dead = dlq.receive_message(attributes: [:all], wait_time_seconds: 2)
if check(dead, 'dead-letter queue: no message')
  check(dead.id == poison.message_id && dead.body == 'poison', "dead letter #{dead.id} #{dead.body}")
end
dead_attrs = c.receive_message(queue_url: dlq.url, attribute_names: ['All'], visibility_timeout: 0)
check(dead.nil? || dead_attrs[:messages].empty? || dead_attrs[:messages][0][:attributes]['DeadLetterQueueSourceArn'] == arn.(src_name),
      "DeadLetterQueueSourceArn #{dead_attrs[:messages]}")

# --- Requests refused by authentication.
expect_error('SignatureDoesNotMatch', 403, 'a request signed with the wrong secret') do
  AWS::SQS::Client.new(secret_access_key: "#{secret}x").list_queues
end
expect_error('InvalidClientTokenId', 403, 'a request signed with an unknown key') do
  AWS::SQS::Client.new(access_key_id: 'AKIDUNKNOWNKEY').list_queues
end

# --- DeleteQueue.
[std, src, dlq].each(&:delete)
c.delete_queue(queue_url: fifo_url)
expect_error('AWS.SimpleQueueService.NonExistentQueue', 400, 'GetQueueAttributes of a deleted queue') do
  c.get_queue_attributes(queue_url: std_url, attribute_names: ['All'])
end

if $failures.positive?
  puts "FAILED #{$failures}"
  exit 1
end
puts "OK #{$checks}"
