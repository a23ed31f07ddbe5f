// A whole SQS workflow through aws-sdk-go-v2 (Debian's golang-github-aws-aws-sdk-go-v2-dev 1.17 with
// service/sqs 1.19, AWS Query protocol) against a Ferry server started with --auth sigv4; driven by
// test/conformance/sdks.test.ts.
//
// Usage: go_sdk_v2 <endpoint> <queue-name-prefix> <access-key-id> <secret-access-key>
//
// Every check that fails prints a "FAIL ..." line and the run goes on, so one run shows every
// discrepancy; the last line is "OK <checks>" when all passed (exit 0), else "FAILED <n>" (exit 1).
// The expected values are AWS's (see the test file for the sources).
package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

const (
	region  = "us-east-1"
	account = "000000000000"
)

var (
	checks   int
	failures int
	ctx      = context.Background()
)

func check(ok bool, format string, args ...interface{}) bool {
	checks++
	if !ok {
		failures++
		fmt.Printf("FAIL "+format+"\n", args...)
	}
	return ok
}

// must stops the run on an unexpected error: what follows depends on the call.
func must(err error, what string) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\nFAILED %d\n", what, err, failures+1)
		os.Exit(1)
	}
}

// expectError checks an error's code and HTTP status as the SDK parsed them; `typed` (when not nil)
// checks that the SDK mapped the code onto its modeled error type (it does so only for the errors its
// model lists for the operation: not QueueDoesNotExist for SendMessage, for instance).
func expectError(err error, code string, status int, what string, typed func(error) bool) {
	checks++
	if err == nil {
		failures++
		fmt.Printf("FAIL %s: succeeded, expected %s (%d)\n", what, code, status)
		return
	}
	var api smithy.APIError
	var re *awshttp.ResponseError
	if !errors.As(err, &api) || !errors.As(err, &re) {
		failures++
		fmt.Printf("FAIL %s: not an API error: %v\n", what, err)
		return
	}
	// This SDK reads no message into its modeled error types (the model of its time gave them no
	// message member); an unmodeled error (smithy.GenericAPIError) carries the response's.
	_, generic := api.(*smithy.GenericAPIError)
	if api.ErrorCode() != code || re.HTTPStatusCode() != status || (generic && api.ErrorMessage() == "") {
		failures++
		fmt.Printf("FAIL %s: got %s (%d) %q, expected %s (%d)\n", what, api.ErrorCode(), re.HTTPStatusCode(), api.ErrorMessage(), code, status)
		return
	}
	if typed != nil && !typed(err) {
		failures++
		fmt.Printf("FAIL %s: %T is not the SDK's modeled error type for %s\n", what, api, code)
	}
}

func isType[T error](err error) bool {
	var t T
	return errors.As(err, &t)
}

// md5OfAttributes is AWS's MD5 of message attributes (the algorithm of the AWS SDKs for Java and .NET):
// for each name in byte order, length-prefixed name, data type, transport type (1 string, 2 binary)
// and value. This SDK verifies only the bodies' MD5, so the attributes' one is checked here.
func md5OfAttributes(attrs map[string]types.MessageAttributeValue) string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	put := func(b []byte) {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(b)))
		buf.Write(l[:])
		buf.Write(b)
	}
	for _, n := range names {
		v := attrs[n]
		put([]byte(n))
		put([]byte(aws.ToString(v.DataType)))
		if v.BinaryValue != nil {
			buf.WriteByte(2)
			put(v.BinaryValue)
		} else {
			buf.WriteByte(1)
			put([]byte(aws.ToString(v.StringValue)))
		}
	}
	sum := md5.Sum(buf.Bytes())
	return hex.EncodeToString(sum[:])
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// sameJSON compares two JSON documents as values (key order aside).
func sameJSON(a, b string) bool {
	var x, y interface{}
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newClient: this SDK version has no BaseEndpoint option; EndpointResolverFromURL signs for the
// client's region (a bare aws.EndpointResolverWithOptions leaves the signing region empty).
func newClient(endpoint, keyID, secret string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		EndpointResolver: sqs.EndpointResolverFromURL(endpoint),
		RetryMaxAttempts: 1,
	})
}

func names(q ...types.QueueAttributeName) []types.QueueAttributeName { return q }

func main() {
	if len(os.Args) != 5 {
		fmt.Println("usage: go_sdk_v2 <endpoint> <prefix> <access-key-id> <secret-access-key>")
		os.Exit(2)
	}
	endpoint, prefix, keyID, secret := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	c := newClient(endpoint, keyID, secret)
	arn := func(name string) string { return "arn:aws:sqs:" + region + ":" + account + ":" + name }
	url := func(name string) string { return endpoint + "/" + account + "/" + name }
	s := aws.String

	// --- Queues: standard with attributes and tags, a dead-letter queue and its source, two FIFO queues.
	stdName := prefix + "-std"
	cq, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{
		QueueName:  s(stdName),
		Attributes: map[string]string{"VisibilityTimeout": "5", "DelaySeconds": "0"},
		Tags:       map[string]string{"team": "ferry", "env": "test"},
	})
	must(err, "CreateQueue standard")
	std := aws.ToString(cq.QueueUrl)
	check(std == url(stdName), "CreateQueue QueueUrl %q, expected %q", std, url(stdName))
	again, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: s(stdName), Attributes: map[string]string{"VisibilityTimeout": "5"}})
	must(err, "CreateQueue again")
	check(aws.ToString(again.QueueUrl) == std, "CreateQueue again: %q", aws.ToString(again.QueueUrl))
	_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: s(stdName), Attributes: map[string]string{"VisibilityTimeout": "6"}})
	expectError(err, "QueueAlreadyExists", 400, "CreateQueue with different attributes", isType[*types.QueueNameExists])

	dlqName := prefix + "-dlq"
	dq, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: s(dlqName)})
	must(err, "CreateQueue dlq")
	dlq := aws.ToString(dq.QueueUrl)
	srcName := prefix + "-src"
	redrive := fmt.Sprintf(`{"deadLetterTargetArn":"%s","maxReceiveCount":2}`, arn(dlqName))
	sq, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: s(srcName), Attributes: map[string]string{"RedrivePolicy": redrive, "VisibilityTimeout": "1"}})
	must(err, "CreateQueue with RedrivePolicy")
	src := aws.ToString(sq.QueueUrl)
	cbdName := prefix + "-cbd.fifo"
	fq, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: s(cbdName), Attributes: map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"}})
	must(err, "CreateQueue FIFO content-based")
	cbd := aws.ToString(fq.QueueUrl)
	expName := prefix + "-exp.fifo"
	eq, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: s(expName), Attributes: map[string]string{"FifoQueue": "true"}})
	must(err, "CreateQueue FIFO")
	exp := aws.ToString(eq.QueueUrl)
	_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: s(prefix + "-nofifo"), Attributes: map[string]string{"FifoQueue": "true"}})
	expectError(err, "InvalidParameterValue", 400, "CreateQueue FifoQueue without .fifo", nil)

	// --- Attributes.
	ga, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: s(std), AttributeNames: names(types.QueueAttributeNameAll)})
	must(err, "GetQueueAttributes All")
	keys := make([]string, 0, len(ga.Attributes))
	for k := range ga.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	wantKeys := "ApproximateNumberOfMessages,ApproximateNumberOfMessagesDelayed,ApproximateNumberOfMessagesNotVisible,CreatedTimestamp,DelaySeconds,LastModifiedTimestamp,MaximumMessageSize,MessageRetentionPeriod,QueueArn,ReceiveMessageWaitTimeSeconds,SqsManagedSseEnabled,VisibilityTimeout"
	check(strings.Join(keys, ",") == wantKeys, "GetQueueAttributes All keys %v", keys)
	check(ga.Attributes["QueueArn"] == arn(stdName), "QueueArn %q", ga.Attributes["QueueArn"])
	check(ga.Attributes["VisibilityTimeout"] == "5", "VisibilityTimeout %q", ga.Attributes["VisibilityTimeout"])
	created, _ := strconv.ParseInt(ga.Attributes["CreatedTimestamp"], 10, 64)
	check(created > time.Now().Unix()-300 && created <= time.Now().Unix()+5, "CreatedTimestamp (seconds) %q", ga.Attributes["CreatedTimestamp"])
	_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: s(std), Attributes: map[string]string{"MaximumMessageSize": "2048", "ReceiveMessageWaitTimeSeconds": "1"}})
	must(err, "SetQueueAttributes")
	gs, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: s(std), AttributeNames: names(types.QueueAttributeNameMaximumMessageSize, types.QueueAttributeNameReceiveMessageWaitTimeSeconds)})
	must(err, "GetQueueAttributes specific")
	check(len(gs.Attributes) == 2 && gs.Attributes["MaximumMessageSize"] == "2048" && gs.Attributes["ReceiveMessageWaitTimeSeconds"] == "1", "GetQueueAttributes specific: %v", gs.Attributes)
	_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: s(std), Attributes: map[string]string{"ReceiveMessageWaitTimeSeconds": "0"}})
	must(err, "SetQueueAttributes back")
	_, err = c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: s(std), AttributeNames: names("NoSuchAttribute")})
	expectError(err, "InvalidAttributeName", 400, "GetQueueAttributes unknown name", isType[*types.InvalidAttributeName])
	_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: s(std), Attributes: map[string]string{"VisibilityTimeout": "43201"}})
	expectError(err, "InvalidAttributeValue", 400, "SetQueueAttributes VisibilityTimeout out of range", nil)
	gr, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: s(src), AttributeNames: names(types.QueueAttributeNameRedrivePolicy)})
	must(err, "GetQueueAttributes RedrivePolicy")
	var rp struct {
		DeadLetterTargetArn string      `json:"deadLetterTargetArn"`
		MaxReceiveCount     json.Number `json:"maxReceiveCount"`
	}
	must(json.Unmarshal([]byte(gr.Attributes["RedrivePolicy"]), &rp), "RedrivePolicy JSON")
	check(rp.DeadLetterTargetArn == arn(dlqName) && rp.MaxReceiveCount.String() == "2", "RedrivePolicy %q", gr.Attributes["RedrivePolicy"])
	gf, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: s(cbd), AttributeNames: names(types.QueueAttributeNameFifoQueue, types.QueueAttributeNameContentBasedDeduplication)})
	must(err, "GetQueueAttributes FIFO")
	check(gf.Attributes["FifoQueue"] == "true" && gf.Attributes["ContentBasedDeduplication"] == "true", "FIFO attributes %v", gf.Attributes)

	// --- Tags.
	lt, err := c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: s(std)})
	must(err, "ListQueueTags")
	check(fmt.Sprint(lt.Tags) == "map[env:test team:ferry]", "ListQueueTags after CreateQueue: %v", lt.Tags)
	_, err = c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: s(std), Tags: map[string]string{"owner": "go-v2", "empty": ""}})
	must(err, "TagQueue")
	_, err = c.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: s(std), TagKeys: []string{"env"}})
	must(err, "UntagQueue")
	lt, err = c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: s(std)})
	must(err, "ListQueueTags")
	check(fmt.Sprint(lt.Tags) == "map[empty: owner:go-v2 team:ferry]", "ListQueueTags: %v", lt.Tags)
	lt, err = c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: s(dlq)})
	must(err, "ListQueueTags untagged")
	check(len(lt.Tags) == 0, "ListQueueTags of an untagged queue: %v", lt.Tags)

	// --- Permissions: AddPermission writes the queue's Policy (SQS's own shape), RemovePermission takes it out.
	_, err = c.AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: s(std), Label: s("perm1"), AWSAccountIds: []string{account}, Actions: []string{"SendMessage", "ReceiveMessage"}})
	must(err, "AddPermission")
	gp, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: s(std), AttributeNames: names(types.QueueAttributeNamePolicy)})
	must(err, "GetQueueAttributes Policy")
	wantPolicy := `{"Version":"2008-10-17","Id":"` + arn(stdName) + `/SQSDefaultPolicy","Statement":[{"Sid":"perm1","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":["SQS:SendMessage","SQS:ReceiveMessage"],"Resource":"` + arn(stdName) + `"}]}`
	check(sameJSON(gp.Attributes["Policy"], wantPolicy), "Policy after AddPermission %s", gp.Attributes["Policy"])
	_, err = c.AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: s(std), Label: s("perm1"), AWSAccountIds: []string{account}, Actions: []string{"DeleteMessage"}})
	expectError(err, "InvalidParameterValue", 400, "AddPermission with a label in use", nil)
	_, err = c.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: s(std), Label: s("perm1")})
	must(err, "RemovePermission")
	gp, err = c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: s(std), AttributeNames: names(types.QueueAttributeNamePolicy)})
	must(err, "GetQueueAttributes Policy")
	check(len(gp.Attributes) == 0, "Policy after RemovePermission: %v", gp.Attributes)
	_, err = c.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: s(std), Label: s("perm1")})
	expectError(err, "InvalidParameterValue", 400, "RemovePermission of a missing label", nil)

	// --- GetQueueUrl, ListQueues, ListDeadLetterSourceQueues.
	gu, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: s(stdName)})
	must(err, "GetQueueUrl")
	check(aws.ToString(gu.QueueUrl) == std, "GetQueueUrl %q", aws.ToString(gu.QueueUrl))
	gu, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: s(stdName), QueueOwnerAWSAccountId: s(account)})
	must(err, "GetQueueUrl with owner")
	check(aws.ToString(gu.QueueUrl) == std, "GetQueueUrl with owner %q", aws.ToString(gu.QueueUrl))
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: s(prefix + "-missing")})
	expectError(err, "AWS.SimpleQueueService.NonExistentQueue", 400, "GetQueueUrl of a missing queue", isType[*types.QueueDoesNotExist])
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(url(prefix + "-missing")), MessageBody: s("x")})
	expectError(err, "AWS.SimpleQueueService.NonExistentQueue", 400, "SendMessage to a missing queue", nil)
	lq, err := c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: s(prefix)})
	must(err, "ListQueues")
	all := append([]string(nil), lq.QueueUrls...)
	sort.Strings(all)
	want := []string{cbd, dlq, exp, src, std}
	sort.Strings(want)
	check(strings.Join(all, " ") == strings.Join(want, " "), "ListQueues prefix: %v", all)
	check(lq.NextToken == nil, "ListQueues without MaxResults has a NextToken")
	var paged []string
	pages := 0
	pg := sqs.NewListQueuesPaginator(c, &sqs.ListQueuesInput{QueueNamePrefix: s(prefix), MaxResults: aws.Int32(2)})
	for pg.HasMorePages() && pages < 10 {
		p, err := pg.NextPage(ctx)
		must(err, "ListQueues page")
		pages++
		check(len(p.QueueUrls) <= 2, "ListQueues page of %d", len(p.QueueUrls))
		paged = append(paged, p.QueueUrls...)
	}
	sort.Strings(paged)
	check(strings.Join(paged, " ") == strings.Join(want, " ") && pages == 3, "ListQueues by pages of 2: %d pages %v", pages, paged)
	lq, err = c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: s(prefix + "-nothing")})
	must(err, "ListQueues no match")
	check(len(lq.QueueUrls) == 0, "ListQueues no match: %v", lq.QueueUrls)
	ld, err := c.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: s(dlq)})
	must(err, "ListDeadLetterSourceQueues")
	check(fmt.Sprint(ld.QueueUrls) == fmt.Sprint([]string{src}), "ListDeadLetterSourceQueues %v", ld.QueueUrls)

	// --- SendMessage with every attribute type, then receive them back.
	body := "héllo <&> \"wörld\"\r\n\t\U0001F600"
	attrs := map[string]types.MessageAttributeValue{
		"str":     {DataType: s("String"), StringValue: s("blue & <green>")},
		"num":     {DataType: s("Number"), StringValue: s("-12.5e3")},
		"bin":     {DataType: s("Binary"), BinaryValue: []byte{0, 1, 2, 0xfe, 0xff}},
		"custom":  {DataType: s("String.foo"), StringValue: s("custom ü")},
		"numtype": {DataType: s("Number.int"), StringValue: s("7")},
		"bintype": {DataType: s("Binary.gif"), BinaryValue: []byte("GIF89a")},
	}
	trace := "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	sm, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(std), MessageBody: s(body), MessageAttributes: attrs,
		MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: s("String"), StringValue: s(trace)}}})
	must(err, "SendMessage with attributes") // the SDK verifies MD5OfMessageBody
	sysAttrs := map[string]types.MessageAttributeValue{"AWSTraceHeader": {DataType: s("String"), StringValue: s(trace)}}
	check(aws.ToString(sm.MD5OfMessageSystemAttributes) == md5OfAttributes(sysAttrs), "SendMessage MD5OfMessageSystemAttributes %q, expected %q", aws.ToString(sm.MD5OfMessageSystemAttributes), md5OfAttributes(sysAttrs))
	check(aws.ToString(sm.MD5OfMessageAttributes) == md5OfAttributes(attrs), "SendMessage MD5OfMessageAttributes %q, expected %q", aws.ToString(sm.MD5OfMessageAttributes), md5OfAttributes(attrs))
	check(aws.ToString(sm.MD5OfMessageBody) == md5Hex(body), "SendMessage MD5OfMessageBody")
	check(sm.SequenceNumber == nil, "SendMessage to a standard queue returned a SequenceNumber")
	sentAt := time.Now()
	rm, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: s(std), AttributeNames: names(types.QueueAttributeNameAll), MessageAttributeNames: []string{"All"},
		MaxNumberOfMessages: 10, VisibilityTimeout: 2, WaitTimeSeconds: 1,
	})
	must(err, "ReceiveMessage") // the SDK verifies MD5OfBody
	check(len(rm.Messages) == 1, "ReceiveMessage: %d messages", len(rm.Messages))
	if len(rm.Messages) == 1 {
		m := rm.Messages[0]
		check(aws.ToString(m.Body) == body, "Body %q", aws.ToString(m.Body))
		check(aws.ToString(m.MessageId) == aws.ToString(sm.MessageId), "MessageId")
		check(aws.ToString(m.MD5OfMessageAttributes) == md5OfAttributes(attrs), "received MD5OfMessageAttributes %q", aws.ToString(m.MD5OfMessageAttributes))
		check(md5OfAttributes(m.MessageAttributes) == md5OfAttributes(attrs), "received attributes differ: %v", m.MessageAttributes)
		check(bytes.Equal(m.MessageAttributes["bin"].BinaryValue, []byte{0, 1, 2, 0xfe, 0xff}), "Binary attribute %v", m.MessageAttributes["bin"])
		check(aws.ToString(m.MessageAttributes["custom"].DataType) == "String.foo", "custom DataType %v", m.MessageAttributes["custom"])
		sysKeys := make([]string, 0)
		for k := range m.Attributes {
			sysKeys = append(sysKeys, k)
		}
		sort.Strings(sysKeys)
		check(strings.Join(sysKeys, ",") == "AWSTraceHeader,ApproximateFirstReceiveTimestamp,ApproximateReceiveCount,SenderId,SentTimestamp", "system attributes %v", sysKeys)
		check(m.Attributes["AWSTraceHeader"] == trace, "AWSTraceHeader %q", m.Attributes["AWSTraceHeader"])
		sent, _ := strconv.ParseInt(m.Attributes["SentTimestamp"], 10, 64)
		check(sent > sentAt.Add(-time.Minute).UnixMilli() && sent < sentAt.Add(time.Minute).UnixMilli(), "SentTimestamp (ms) %d", sent)
		check(m.Attributes["ApproximateReceiveCount"] == "1", "ApproximateReceiveCount %q", m.Attributes["ApproximateReceiveCount"])
		// VisibilityTimeout 0 is sent by this SDK (an int32 always serialized for this action).
		_, err = c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: s(std), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0})
		must(err, "ChangeMessageVisibility 0")
		rf, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s(std), MessageAttributeNames: []string{"str", "bin"}, AttributeNames: names(types.QueueAttributeName("ApproximateReceiveCount"))})
		must(err, "ReceiveMessage filtered")
		if check(len(rf.Messages) == 1, "filtered receive: %d messages", len(rf.Messages)) {
			f := rf.Messages[0]
			sub := map[string]types.MessageAttributeValue{"str": attrs["str"], "bin": attrs["bin"]}
			check(len(f.MessageAttributes) == 2 && aws.ToString(f.MD5OfMessageAttributes) == md5OfAttributes(sub), "filtered attributes %v md5 %q", f.MessageAttributes, aws.ToString(f.MD5OfMessageAttributes))
			check(len(f.Attributes) == 1 && f.Attributes["ApproximateReceiveCount"] == "2", "filtered system attributes %v", f.Attributes)
			_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: s(std), ReceiptHandle: f.ReceiptHandle})
			must(err, "DeleteMessage")
		}
	}
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(std), MessageBody: s("x"), MessageAttributes: map[string]types.MessageAttributeValue{"bad": {DataType: s("Number"), StringValue: s("abc")}}})
	expectError(err, "InvalidParameterValue", 400, "SendMessage with a non-numeric Number attribute", nil)
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(std), MessageBody: s(strings.Repeat("x", 2049))})
	expectError(err, "InvalidParameterValue", 400, "SendMessage over MaximumMessageSize", nil)

	// --- Delay and long polling: a message delayed 1 s arrives within a 3 s long poll, not before 1 s.
	start := time.Now()
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(std), MessageBody: s("delayed"), DelaySeconds: 1})
	must(err, "SendMessage delayed")
	dg, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: s(std), AttributeNames: names(types.QueueAttributeNameApproximateNumberOfMessagesDelayed)})
	must(err, "GetQueueAttributes delayed")
	check(dg.Attributes["ApproximateNumberOfMessagesDelayed"] == "1", "ApproximateNumberOfMessagesDelayed %v", dg.Attributes)
	rd, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s(std), WaitTimeSeconds: 3})
	must(err, "ReceiveMessage long poll")
	el := time.Since(start)
	if check(len(rd.Messages) == 1 && el >= 900*time.Millisecond && el < 2900*time.Millisecond, "long poll: %d messages after %v", len(rd.Messages), el) {
		_, err = c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: s(std), ReceiptHandle: rd.Messages[0].ReceiptHandle, VisibilityTimeout: 60})
		must(err, "ChangeMessageVisibility 60")
		_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: s(std), ReceiptHandle: rd.Messages[0].ReceiptHandle})
		must(err, "DeleteMessage delayed")
	}
	start = time.Now()
	re, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s(std), WaitTimeSeconds: 1})
	must(err, "ReceiveMessage empty")
	el = time.Since(start)
	check(len(re.Messages) == 0 && el >= 900*time.Millisecond, "empty long poll: %d messages after %v", len(re.Messages), el)

	// --- Invalid receipt handles.
	_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: s(std), ReceiptHandle: s("not-a-receipt-handle")})
	expectError(err, "ReceiptHandleIsInvalid", 404, "DeleteMessage with an invalid receipt handle", isType[*types.ReceiptHandleIsInvalid])
	_, err = c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: s(std), ReceiptHandle: s("not-a-receipt-handle"), VisibilityTimeout: 5})
	expectError(err, "ReceiptHandleIsInvalid", 404, "ChangeMessageVisibility with an invalid receipt handle", nil)

	// --- Batches with a partial failure.
	batchAttrs := map[string]types.MessageAttributeValue{"n": {DataType: s("Number"), StringValue: s("1")}, "b": {DataType: s("Binary"), BinaryValue: []byte{9, 8, 7}}}
	sb, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: s(std), Entries: []types.SendMessageBatchRequestEntry{
		{Id: s("a"), MessageBody: s("first"), MessageAttributes: batchAttrs},
		{Id: s("b"), MessageBody: s("bad \u0001 body")},
		{Id: s("c"), MessageBody: s("third")},
	}})
	must(err, "SendMessageBatch") // the SDK verifies each MD5OfMessageBody
	okIDs := []string{}
	for _, e := range sb.Successful {
		okIDs = append(okIDs, aws.ToString(e.Id))
		if aws.ToString(e.Id) == "a" {
			check(aws.ToString(e.MD5OfMessageAttributes) == md5OfAttributes(batchAttrs), "SendMessageBatch MD5OfMessageAttributes %q", aws.ToString(e.MD5OfMessageAttributes))
		}
	}
	sort.Strings(okIDs)
	check(strings.Join(okIDs, ",") == "a,c", "SendMessageBatch successful %v", okIDs)
	if check(len(sb.Failed) == 1, "SendMessageBatch failed %v", sb.Failed) {
		f := sb.Failed[0]
		check(aws.ToString(f.Id) == "b" && aws.ToString(f.Code) == "InvalidMessageContents" && f.SenderFault && aws.ToString(f.Message) != "", "SendMessageBatch failure %+v", f)
	}
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: s(std), Entries: []types.SendMessageBatchRequestEntry{{Id: s("x"), MessageBody: s("1")}, {Id: s("x"), MessageBody: s("2")}}})
	expectError(err, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400, "SendMessageBatch with repeated ids", isType[*types.BatchEntryIdsNotDistinct])
	rb, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s(std), MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"}, WaitTimeSeconds: 1})
	must(err, "ReceiveMessage batch")
	if check(len(rb.Messages) == 2, "received %d of the batch", len(rb.Messages)) {
		cv, err := c.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: s(std), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
			{Id: s("v1"), ReceiptHandle: rb.Messages[0].ReceiptHandle, VisibilityTimeout: 30},
			{Id: s("v2"), ReceiptHandle: rb.Messages[1].ReceiptHandle, VisibilityTimeout: 30},
			{Id: s("v3"), ReceiptHandle: s("garbage"), VisibilityTimeout: 30},
		}})
		must(err, "ChangeMessageVisibilityBatch")
		check(len(cv.Successful) == 2 && len(cv.Failed) == 1 && aws.ToString(cv.Failed[0].Id) == "v3" && aws.ToString(cv.Failed[0].Code) == "ReceiptHandleIsInvalid" && cv.Failed[0].SenderFault,
			"ChangeMessageVisibilityBatch %+v", cv)
		db, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: s(std), Entries: []types.DeleteMessageBatchRequestEntry{
			{Id: s("d1"), ReceiptHandle: rb.Messages[0].ReceiptHandle},
			{Id: s("d2"), ReceiptHandle: rb.Messages[1].ReceiptHandle},
			{Id: s("d3"), ReceiptHandle: s("garbage")},
		}})
		must(err, "DeleteMessageBatch")
		check(len(db.Successful) == 2 && len(db.Failed) == 1 && aws.ToString(db.Failed[0].Id) == "d3" && aws.ToString(db.Failed[0].Code) == "ReceiptHandleIsInvalid" && db.Failed[0].SenderFault,
			"DeleteMessageBatch %+v", db)
	}

	// --- PurgeQueue.
	for i := 0; i < 3; i++ {
		_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(std), MessageBody: s("purge me")})
		must(err, "SendMessage before purge")
	}
	_, err = c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: s(std)})
	must(err, "PurgeQueue")
	rp2, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s(std)})
	must(err, "ReceiveMessage after purge")
	check(len(rp2.Messages) == 0, "%d messages after PurgeQueue", len(rp2.Messages))

	// --- FIFO: order within a group, explicit and content-based deduplication.
	for i := 0; i < 3; i++ {
		r, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(exp), MessageBody: s(fmt.Sprintf("m%d", i)), MessageGroupId: s("g"), MessageDeduplicationId: s(fmt.Sprintf("d%d", i))})
		must(err, "SendMessage FIFO")
		check(aws.ToString(r.SequenceNumber) != "", "FIFO SendMessage without SequenceNumber")
	}
	dup, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(exp), MessageBody: s("m0 again"), MessageGroupId: s("g"), MessageDeduplicationId: s("d0")})
	must(err, "SendMessage FIFO duplicate")
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(exp), MessageBody: s("no dedup id"), MessageGroupId: s("g")})
	expectError(err, "InvalidParameterValue", 400, "FIFO SendMessage without a deduplication id (no content-based deduplication)", nil)
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(exp), MessageBody: s("no group"), MessageDeduplicationId: s("dx")})
	expectError(err, "MissingParameter", 400, "FIFO SendMessage without MessageGroupId", nil)
	var order []string
	for i := 0; i < 4 && len(order) < 3; i++ {
		r, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s(exp), MaxNumberOfMessages: 1, AttributeNames: names(types.QueueAttributeNameAll)})
		must(err, "ReceiveMessage FIFO")
		for _, m := range r.Messages {
			order = append(order, aws.ToString(m.Body))
			check(m.Attributes["MessageGroupId"] == "g" && m.Attributes["MessageDeduplicationId"] != "" && m.Attributes["SequenceNumber"] != "", "FIFO system attributes %v", m.Attributes)
			if aws.ToString(m.Body) == "m0" {
				check(aws.ToString(m.MessageId) == aws.ToString(dup.MessageId), "the duplicate send returned another MessageId")
			}
			_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: s(exp), ReceiptHandle: m.ReceiptHandle})
			must(err, "DeleteMessage FIFO")
		}
	}
	check(strings.Join(order, ",") == "m0,m1,m2", "FIFO order %v", order)
	sb, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: s(cbd), Entries: []types.SendMessageBatchRequestEntry{
		{Id: s("1"), MessageBody: s("same"), MessageGroupId: s("g1")},
		{Id: s("2"), MessageBody: s("same"), MessageGroupId: s("g2")},
		{Id: s("3"), MessageBody: s("other"), MessageGroupId: s("g1")},
	}})
	must(err, "SendMessageBatch FIFO content-based")
	check(len(sb.Successful) == 3 && len(sb.Failed) == 0, "SendMessageBatch FIFO %+v", sb)
	rc, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s(cbd), MaxNumberOfMessages: 10, AttributeNames: names(types.QueueAttributeName("MessageDeduplicationId"))})
	must(err, "ReceiveMessage FIFO content-based")
	var cbodies []string
	for _, m := range rc.Messages {
		cbodies = append(cbodies, aws.ToString(m.Body))
		if aws.ToString(m.Body) == "same" {
			check(m.Attributes["MessageDeduplicationId"] == sha256Hex("same"), "content-based MessageDeduplicationId %q", m.Attributes["MessageDeduplicationId"])
		}
	}
	check(strings.Join(cbodies, ",") == "same,other", "content-based deduplication: %v", cbodies)

	// --- maxReceiveCount: the receive past the second moves the message to the dead-letter queue.
	ms, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: s(src), MessageBody: s("poison")})
	must(err, "SendMessage poison")
	for i := 1; i <= 2; i++ {
		r, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s(src), WaitTimeSeconds: 3})
		must(err, "ReceiveMessage poison")
		check(len(r.Messages) == 1, "poison receive %d: %d messages", i, len(r.Messages))
	}
	time.Sleep(1100 * time.Millisecond)
	r3, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s(src)})
	must(err, "ReceiveMessage after maxReceiveCount")
	check(len(r3.Messages) == 0, "received %d messages past maxReceiveCount", len(r3.Messages))
	rdl, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: s(dlq), AttributeNames: names(types.QueueAttributeNameAll), WaitTimeSeconds: 2})
	must(err, "ReceiveMessage dead-letter queue")
	if check(len(rdl.Messages) == 1, "dead-letter queue: %d messages", len(rdl.Messages)) {
		m := rdl.Messages[0]
		check(aws.ToString(m.MessageId) == aws.ToString(ms.MessageId) && aws.ToString(m.Body) == "poison", "dead letter %+v", m)
		check(m.Attributes["DeadLetterQueueSourceArn"] == arn(srcName), "DeadLetterQueueSourceArn %q", m.Attributes["DeadLetterQueueSourceArn"])
	}

	// --- Requests refused by authentication.
	_, err = newClient(endpoint, keyID, secret+"x").ListQueues(ctx, &sqs.ListQueuesInput{})
	expectError(err, "SignatureDoesNotMatch", 403, "a request signed with the wrong secret", nil)
	_, err = newClient(endpoint, "AKIDUNKNOWNKEY", secret).ListQueues(ctx, &sqs.ListQueuesInput{})
	expectError(err, "InvalidClientTokenId", 403, "a request signed with an unknown key", nil)

	// --- DeleteQueue.
	for _, q := range []string{std, src, dlq, cbd, exp} {
		_, err = c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: s(q)})
		must(err, "DeleteQueue "+q)
	}
	_, err = c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: s(std), AttributeNames: names(types.QueueAttributeNameAll)})
	expectError(err, "AWS.SimpleQueueService.NonExistentQueue", 400, "GetQueueAttributes of a deleted queue", nil)

	if failures > 0 {
		fmt.Printf("FAILED %d\n", failures)
		os.Exit(1)
	}
	fmt.Printf("OK %d\n", checks)
}
