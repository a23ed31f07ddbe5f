// A whole SQS workflow through aws-sdk-go v1 (Debian's golang-github-aws-aws-sdk-go-dev 1.44, AWS Query
// protocol) against a Ferry server started with --auth sigv4; driven by test/conformance/sdks.test.ts.
//
// Usage: go_sdk_v1 <endpoint> <queue-name-prefix> <access-key-id> <secret-access-key>
//
// Every check that fails prints a "FAIL ..." line and the run goes on, so one run shows every
// discrepancy; the last line is "OK <checks>" when all passed (exit 0), else "FAILED <n>" (exit 1).
// The expected values are AWS's (see the test file for the sources).
package main

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/sqs"
)

const (
	region  = "us-east-1"
	account = "000000000000"
)

var (
	checks   int
	failures int
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

// expectError checks an error's code and HTTP status as the SDK parsed them.
func expectError(err error, code string, status int, what string) {
	checks++
	var rf awserr.RequestFailure
	if err == nil {
		failures++
		fmt.Printf("FAIL %s: succeeded, expected %s (%d)\n", what, code, status)
		return
	}
	if e, ok := err.(awserr.RequestFailure); ok {
		rf = e
	} else {
		failures++
		fmt.Printf("FAIL %s: not a request failure: %v\n", what, err)
		return
	}
	if rf.Code() != code || rf.StatusCode() != status {
		failures++
		fmt.Printf("FAIL %s: got %s (%d) %q, expected %s (%d)\n", what, rf.Code(), rf.StatusCode(), rf.Message(), code, status)
	}
}

// md5OfAttributes is AWS's MD5 of message attributes (the algorithm of the AWS SDKs for Java and .NET):
// for each name in byte order, length-prefixed name, data type, transport type (1 string, 2 binary)
// and value. aws-sdk-go v1 verifies only the bodies' MD5, so the attributes' one is checked here.
func md5OfAttributes(attrs map[string]*sqs.MessageAttributeValue) string {
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
		put([]byte(aws.StringValue(v.DataType)))
		if v.BinaryValue != nil {
			buf.WriteByte(2)
			put(v.BinaryValue)
		} else {
			buf.WriteByte(1)
			put([]byte(aws.StringValue(v.StringValue)))
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

func main() {
	if len(os.Args) != 5 {
		fmt.Println("usage: go_sdk_v1 <endpoint> <prefix> <access-key-id> <secret-access-key>")
		os.Exit(2)
	}
	endpoint, prefix, keyID, secret := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	sess := session.Must(session.NewSession(&aws.Config{
		Region:      aws.String(region),
		Endpoint:    aws.String(endpoint),
		Credentials: credentials.NewStaticCredentials(keyID, secret, ""),
		MaxRetries:  aws.Int(0),
	}))
	c := sqs.New(sess)
	arn := func(name string) string { return "arn:aws:sqs:" + region + ":" + account + ":" + name }
	url := func(name string) string { return endpoint + "/" + account + "/" + name }

	// --- Queues: standard with attributes and tags, a dead-letter queue and its source, two FIFO queues.
	stdName := prefix + "-std"
	cq, err := c.CreateQueue(&sqs.CreateQueueInput{
		QueueName:  aws.String(stdName),
		Attributes: map[string]*string{"VisibilityTimeout": aws.String("5"), "DelaySeconds": aws.String("0")},
		Tags:       map[string]*string{"team": aws.String("ferry"), "env": aws.String("test")},
	})
	must(err, "CreateQueue standard")
	std := aws.StringValue(cq.QueueUrl)
	check(std == url(stdName), "CreateQueue QueueUrl %q, expected %q", std, url(stdName))
	// The same name and attributes again: the same queue (idempotent).
	again, err := c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(stdName), Attributes: map[string]*string{"VisibilityTimeout": aws.String("5")}})
	must(err, "CreateQueue again")
	check(aws.StringValue(again.QueueUrl) == std, "CreateQueue again: %q", aws.StringValue(again.QueueUrl))
	_, err = c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(stdName), Attributes: map[string]*string{"VisibilityTimeout": aws.String("6")}})
	expectError(err, "QueueAlreadyExists", 400, "CreateQueue with different attributes")

	dlqName := prefix + "-dlq"
	dq, err := c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(dlqName)})
	must(err, "CreateQueue dlq")
	dlq := aws.StringValue(dq.QueueUrl)
	srcName := prefix + "-src"
	redrive := fmt.Sprintf(`{"deadLetterTargetArn":"%s","maxReceiveCount":2}`, arn(dlqName))
	sq, err := c.CreateQueue(&sqs.CreateQueueInput{
		QueueName:  aws.String(srcName),
		Attributes: map[string]*string{"RedrivePolicy": aws.String(redrive), "VisibilityTimeout": aws.String("1")},
	})
	must(err, "CreateQueue with RedrivePolicy")
	src := aws.StringValue(sq.QueueUrl)
	cbdName := prefix + "-cbd.fifo"
	fq, err := c.CreateQueue(&sqs.CreateQueueInput{
		QueueName:  aws.String(cbdName),
		Attributes: map[string]*string{"FifoQueue": aws.String("true"), "ContentBasedDeduplication": aws.String("true")},
	})
	must(err, "CreateQueue FIFO content-based")
	cbd := aws.StringValue(fq.QueueUrl)
	expName := prefix + "-exp.fifo"
	eq, err := c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(expName), Attributes: map[string]*string{"FifoQueue": aws.String("true")}})
	must(err, "CreateQueue FIFO")
	exp := aws.StringValue(eq.QueueUrl)
	_, err = c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(prefix + "-nofifo"), Attributes: map[string]*string{"FifoQueue": aws.String("true")}})
	expectError(err, "InvalidParameterValue", 400, "CreateQueue FifoQueue without .fifo")

	// --- Attributes.
	ga, err := c.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(std), AttributeNames: []*string{aws.String("All")}})
	must(err, "GetQueueAttributes All")
	keys := make([]string, 0, len(ga.Attributes))
	for k := range ga.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	wantKeys := "ApproximateNumberOfMessages,ApproximateNumberOfMessagesDelayed,ApproximateNumberOfMessagesNotVisible,CreatedTimestamp,DelaySeconds,LastModifiedTimestamp,MaximumMessageSize,MessageRetentionPeriod,QueueArn,ReceiveMessageWaitTimeSeconds,SqsManagedSseEnabled,VisibilityTimeout"
	check(strings.Join(keys, ",") == wantKeys, "GetQueueAttributes All keys %v", keys)
	check(aws.StringValue(ga.Attributes["QueueArn"]) == arn(stdName), "QueueArn %q", aws.StringValue(ga.Attributes["QueueArn"]))
	check(aws.StringValue(ga.Attributes["VisibilityTimeout"]) == "5", "VisibilityTimeout %q", aws.StringValue(ga.Attributes["VisibilityTimeout"]))
	created, _ := strconv.ParseInt(aws.StringValue(ga.Attributes["CreatedTimestamp"]), 10, 64)
	check(created > time.Now().Unix()-300 && created <= time.Now().Unix()+5, "CreatedTimestamp (seconds) %q", aws.StringValue(ga.Attributes["CreatedTimestamp"]))
	_, err = c.SetQueueAttributes(&sqs.SetQueueAttributesInput{QueueUrl: aws.String(std), Attributes: map[string]*string{"MaximumMessageSize": aws.String("2048"), "ReceiveMessageWaitTimeSeconds": aws.String("1")}})
	must(err, "SetQueueAttributes")
	gs, err := c.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(std), AttributeNames: []*string{aws.String("MaximumMessageSize"), aws.String("ReceiveMessageWaitTimeSeconds")}})
	must(err, "GetQueueAttributes specific")
	check(len(gs.Attributes) == 2 && aws.StringValue(gs.Attributes["MaximumMessageSize"]) == "2048" && aws.StringValue(gs.Attributes["ReceiveMessageWaitTimeSeconds"]) == "1",
		"GetQueueAttributes specific: %v", aws.StringValueMap(gs.Attributes))
	_, err = c.SetQueueAttributes(&sqs.SetQueueAttributesInput{QueueUrl: aws.String(std), Attributes: map[string]*string{"ReceiveMessageWaitTimeSeconds": aws.String("0")}})
	must(err, "SetQueueAttributes back")
	_, err = c.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(std), AttributeNames: []*string{aws.String("NoSuchAttribute")}})
	expectError(err, "InvalidAttributeName", 400, "GetQueueAttributes unknown name")
	_, err = c.SetQueueAttributes(&sqs.SetQueueAttributesInput{QueueUrl: aws.String(std), Attributes: map[string]*string{"VisibilityTimeout": aws.String("43201")}})
	expectError(err, "InvalidAttributeValue", 400, "SetQueueAttributes VisibilityTimeout out of range")
	gr, err := c.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(src), AttributeNames: []*string{aws.String("RedrivePolicy")}})
	must(err, "GetQueueAttributes RedrivePolicy")
	var rp struct {
		DeadLetterTargetArn string      `json:"deadLetterTargetArn"`
		MaxReceiveCount     json.Number `json:"maxReceiveCount"`
	}
	must(json.Unmarshal([]byte(aws.StringValue(gr.Attributes["RedrivePolicy"])), &rp), "RedrivePolicy JSON")
	check(rp.DeadLetterTargetArn == arn(dlqName) && rp.MaxReceiveCount.String() == "2", "RedrivePolicy %q", aws.StringValue(gr.Attributes["RedrivePolicy"]))
	gf, err := c.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(cbd), AttributeNames: []*string{aws.String("FifoQueue"), aws.String("ContentBasedDeduplication")}})
	must(err, "GetQueueAttributes FIFO")
	check(aws.StringValue(gf.Attributes["FifoQueue"]) == "true" && aws.StringValue(gf.Attributes["ContentBasedDeduplication"]) == "true", "FIFO attributes %v", aws.StringValueMap(gf.Attributes))

	// --- Tags.
	lt, err := c.ListQueueTags(&sqs.ListQueueTagsInput{QueueUrl: aws.String(std)})
	must(err, "ListQueueTags")
	check(len(lt.Tags) == 2 && aws.StringValue(lt.Tags["team"]) == "ferry" && aws.StringValue(lt.Tags["env"]) == "test", "ListQueueTags after CreateQueue: %v", aws.StringValueMap(lt.Tags))
	_, err = c.TagQueue(&sqs.TagQueueInput{QueueUrl: aws.String(std), Tags: map[string]*string{"owner": aws.String("go-v1"), "empty": aws.String("")}})
	must(err, "TagQueue")
	_, err = c.UntagQueue(&sqs.UntagQueueInput{QueueUrl: aws.String(std), TagKeys: []*string{aws.String("env")}})
	must(err, "UntagQueue")
	lt, err = c.ListQueueTags(&sqs.ListQueueTagsInput{QueueUrl: aws.String(std)})
	must(err, "ListQueueTags")
	check(fmt.Sprint(aws.StringValueMap(lt.Tags)) == "map[empty: owner:go-v1 team:ferry]", "ListQueueTags: %v", aws.StringValueMap(lt.Tags))
	lt, err = c.ListQueueTags(&sqs.ListQueueTagsInput{QueueUrl: aws.String(dlq)})
	must(err, "ListQueueTags untagged")
	check(len(lt.Tags) == 0, "ListQueueTags of an untagged queue: %v", aws.StringValueMap(lt.Tags))

	// --- Permissions: AddPermission writes the queue's Policy (SQS's own shape), RemovePermission takes it out.
	_, err = c.AddPermission(&sqs.AddPermissionInput{QueueUrl: aws.String(std), Label: aws.String("perm1"), AWSAccountIds: []*string{aws.String(account)}, Actions: []*string{aws.String("SendMessage"), aws.String("ReceiveMessage")}})
	must(err, "AddPermission")
	gp, err := c.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(std), AttributeNames: []*string{aws.String("Policy")}})
	must(err, "GetQueueAttributes Policy")
	wantPolicy := `{"Version":"2008-10-17","Id":"` + arn(stdName) + `/SQSDefaultPolicy","Statement":[{"Sid":"perm1","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":["SQS:SendMessage","SQS:ReceiveMessage"],"Resource":"` + arn(stdName) + `"}]}`
	check(sameJSON(aws.StringValue(gp.Attributes["Policy"]), wantPolicy), "Policy after AddPermission %s", aws.StringValue(gp.Attributes["Policy"]))
	_, err = c.AddPermission(&sqs.AddPermissionInput{QueueUrl: aws.String(std), Label: aws.String("perm1"), AWSAccountIds: []*string{aws.String(account)}, Actions: []*string{aws.String("DeleteMessage")}})
	expectError(err, "InvalidParameterValue", 400, "AddPermission with a label in use")
	_, err = c.RemovePermission(&sqs.RemovePermissionInput{QueueUrl: aws.String(std), Label: aws.String("perm1")})
	must(err, "RemovePermission")
	gp, err = c.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(std), AttributeNames: []*string{aws.String("Policy")}})
	must(err, "GetQueueAttributes Policy")
	check(len(gp.Attributes) == 0, "Policy after RemovePermission: %v", aws.StringValueMap(gp.Attributes))
	_, err = c.RemovePermission(&sqs.RemovePermissionInput{QueueUrl: aws.String(std), Label: aws.String("perm1")})
	expectError(err, "InvalidParameterValue", 400, "RemovePermission of a missing label")

	// --- GetQueueUrl, ListQueues, ListDeadLetterSourceQueues.
	gu, err := c.GetQueueUrl(&sqs.GetQueueUrlInput{QueueName: aws.String(stdName)})
	must(err, "GetQueueUrl")
	check(aws.StringValue(gu.QueueUrl) == std, "GetQueueUrl %q", aws.StringValue(gu.QueueUrl))
	gu, err = c.GetQueueUrl(&sqs.GetQueueUrlInput{QueueName: aws.String(stdName), QueueOwnerAWSAccountId: aws.String(account)})
	must(err, "GetQueueUrl with owner")
	check(aws.StringValue(gu.QueueUrl) == std, "GetQueueUrl with owner %q", aws.StringValue(gu.QueueUrl))
	_, err = c.GetQueueUrl(&sqs.GetQueueUrlInput{QueueName: aws.String(prefix + "-missing")})
	expectError(err, "AWS.SimpleQueueService.NonExistentQueue", 400, "GetQueueUrl of a missing queue")
	_, err = c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(url(prefix + "-missing")), MessageBody: aws.String("x")})
	expectError(err, "AWS.SimpleQueueService.NonExistentQueue", 400, "SendMessage to a missing queue")
	lq, err := c.ListQueues(&sqs.ListQueuesInput{QueueNamePrefix: aws.String(prefix)})
	must(err, "ListQueues")
	all := aws.StringValueSlice(lq.QueueUrls)
	sort.Strings(all)
	want := []string{cbd, dlq, exp, src, std}
	sort.Strings(want)
	check(strings.Join(all, " ") == strings.Join(want, " "), "ListQueues prefix: %v", all)
	check(lq.NextToken == nil, "ListQueues without MaxResults has a NextToken")
	var paged []string
	var pages int
	err = c.ListQueuesPages(&sqs.ListQueuesInput{QueueNamePrefix: aws.String(prefix), MaxResults: aws.Int64(2)}, func(p *sqs.ListQueuesOutput, last bool) bool {
		pages++
		check(len(p.QueueUrls) <= 2, "ListQueues page of %d", len(p.QueueUrls))
		paged = append(paged, aws.StringValueSlice(p.QueueUrls)...)
		return pages < 10
	})
	must(err, "ListQueuesPages")
	sort.Strings(paged)
	check(strings.Join(paged, " ") == strings.Join(want, " ") && pages == 3, "ListQueues by pages of 2: %d pages %v", pages, paged)
	lq, err = c.ListQueues(&sqs.ListQueuesInput{QueueNamePrefix: aws.String(prefix + "-nothing")})
	must(err, "ListQueues no match")
	check(len(lq.QueueUrls) == 0, "ListQueues no match: %v", aws.StringValueSlice(lq.QueueUrls))
	ld, err := c.ListDeadLetterSourceQueues(&sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq)})
	must(err, "ListDeadLetterSourceQueues")
	check(fmt.Sprint(aws.StringValueSlice(ld.QueueUrls)) == fmt.Sprint([]string{src}), "ListDeadLetterSourceQueues %v", aws.StringValueSlice(ld.QueueUrls))

	// --- SendMessage with every attribute type, then receive them back.
	body := "héllo <&> \"wörld\"\r\n\t\U0001F600"
	attrs := map[string]*sqs.MessageAttributeValue{
		"str":     {DataType: aws.String("String"), StringValue: aws.String("blue & <green>")},
		"num":     {DataType: aws.String("Number"), StringValue: aws.String("-12.5e3")},
		"bin":     {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2, 0xfe, 0xff}},
		"custom":  {DataType: aws.String("String.foo"), StringValue: aws.String("custom ü")},
		"numtype": {DataType: aws.String("Number.int"), StringValue: aws.String("7")},
		"bintype": {DataType: aws.String("Binary.gif"), BinaryValue: []byte("GIF89a")},
	}
	trace := "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	sysAttrs := map[string]*sqs.MessageAttributeValue{"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String(trace)}}
	sm, err := c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(std), MessageBody: aws.String(body), MessageAttributes: attrs,
		MessageSystemAttributes: map[string]*sqs.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String(trace)}}})
	must(err, "SendMessage with attributes") // the SDK verifies MD5OfMessageBody
	check(aws.StringValue(sm.MD5OfMessageSystemAttributes) == md5OfAttributes(sysAttrs), "SendMessage MD5OfMessageSystemAttributes %q, expected %q", aws.StringValue(sm.MD5OfMessageSystemAttributes), md5OfAttributes(sysAttrs))
	check(aws.StringValue(sm.MD5OfMessageAttributes) == md5OfAttributes(attrs), "SendMessage MD5OfMessageAttributes %q, expected %q", aws.StringValue(sm.MD5OfMessageAttributes), md5OfAttributes(attrs))
	check(aws.StringValue(sm.MD5OfMessageBody) == md5Hex(body), "SendMessage MD5OfMessageBody")
	check(sm.SequenceNumber == nil, "SendMessage to a standard queue returned a SequenceNumber")
	sentAt := time.Now()
	rm, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{
		QueueUrl: aws.String(std), AttributeNames: []*string{aws.String("All")}, MessageAttributeNames: []*string{aws.String("All")},
		MaxNumberOfMessages: aws.Int64(10), VisibilityTimeout: aws.Int64(2), WaitTimeSeconds: aws.Int64(1),
	})
	must(err, "ReceiveMessage") // the SDK verifies MD5OfBody
	check(len(rm.Messages) == 1, "ReceiveMessage: %d messages", len(rm.Messages))
	if len(rm.Messages) == 1 {
		m := rm.Messages[0]
		check(aws.StringValue(m.Body) == body, "Body %q", aws.StringValue(m.Body))
		check(aws.StringValue(m.MessageId) == aws.StringValue(sm.MessageId), "MessageId")
		check(aws.StringValue(m.MD5OfMessageAttributes) == md5OfAttributes(attrs), "received MD5OfMessageAttributes %q", aws.StringValue(m.MD5OfMessageAttributes))
		check(md5OfAttributes(m.MessageAttributes) == md5OfAttributes(attrs), "received attributes differ: %v", m.MessageAttributes)
		check(bytes.Equal(m.MessageAttributes["bin"].BinaryValue, []byte{0, 1, 2, 0xfe, 0xff}), "Binary attribute %v", m.MessageAttributes["bin"])
		check(aws.StringValue(m.MessageAttributes["custom"].DataType) == "String.foo", "custom DataType %v", m.MessageAttributes["custom"])
		sysKeys := make([]string, 0)
		for k := range m.Attributes {
			sysKeys = append(sysKeys, k)
		}
		sort.Strings(sysKeys)
		check(strings.Join(sysKeys, ",") == "AWSTraceHeader,ApproximateFirstReceiveTimestamp,ApproximateReceiveCount,SenderId,SentTimestamp", "system attributes %v", sysKeys)
		check(aws.StringValue(m.Attributes["AWSTraceHeader"]) == trace, "AWSTraceHeader %q", aws.StringValue(m.Attributes["AWSTraceHeader"]))
		sent, _ := strconv.ParseInt(aws.StringValue(m.Attributes["SentTimestamp"]), 10, 64)
		check(sent > sentAt.Add(-time.Minute).UnixMilli() && sent < sentAt.Add(time.Minute).UnixMilli(), "SentTimestamp (ms) %d", sent)
		check(aws.StringValue(m.Attributes["ApproximateReceiveCount"]) == "1", "ApproximateReceiveCount %q", aws.StringValue(m.Attributes["ApproximateReceiveCount"]))
		// Filtered message attributes: the MD5 covers only those returned.
		_, err = c.ChangeMessageVisibility(&sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(std), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: aws.Int64(0)})
		must(err, "ChangeMessageVisibility 0")
		rf, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(std), MessageAttributeNames: []*string{aws.String("str"), aws.String("bin")}, AttributeNames: []*string{aws.String("ApproximateReceiveCount")}})
		must(err, "ReceiveMessage filtered")
		if check(len(rf.Messages) == 1, "filtered receive: %d messages", len(rf.Messages)) {
			f := rf.Messages[0]
			sub := map[string]*sqs.MessageAttributeValue{"str": attrs["str"], "bin": attrs["bin"]}
			check(len(f.MessageAttributes) == 2 && aws.StringValue(f.MD5OfMessageAttributes) == md5OfAttributes(sub), "filtered attributes %v md5 %q", f.MessageAttributes, aws.StringValue(f.MD5OfMessageAttributes))
			check(len(f.Attributes) == 1 && aws.StringValue(f.Attributes["ApproximateReceiveCount"]) == "2", "filtered system attributes %v", aws.StringValueMap(f.Attributes))
			_, err = c.DeleteMessage(&sqs.DeleteMessageInput{QueueUrl: aws.String(std), ReceiptHandle: f.ReceiptHandle})
			must(err, "DeleteMessage")
		}
	}
	_, err = c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(std), MessageBody: aws.String("x"), MessageAttributes: map[string]*sqs.MessageAttributeValue{"bad": {DataType: aws.String("Number"), StringValue: aws.String("abc")}}})
	expectError(err, "InvalidParameterValue", 400, "SendMessage with a non-numeric Number attribute")
	_, err = c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(std), MessageBody: aws.String(strings.Repeat("x", 2049))})
	expectError(err, "InvalidParameterValue", 400, "SendMessage over MaximumMessageSize")

	// --- Delay and long polling: a message delayed 1 s arrives within a 3 s long poll, not before 1 s.
	start := time.Now()
	_, err = c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(std), MessageBody: aws.String("delayed"), DelaySeconds: aws.Int64(1)})
	must(err, "SendMessage delayed")
	dg, err := c.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(std), AttributeNames: []*string{aws.String("ApproximateNumberOfMessagesDelayed")}})
	must(err, "GetQueueAttributes delayed")
	check(aws.StringValue(dg.Attributes["ApproximateNumberOfMessagesDelayed"]) == "1", "ApproximateNumberOfMessagesDelayed %v", aws.StringValueMap(dg.Attributes))
	rd, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(std), WaitTimeSeconds: aws.Int64(3)})
	must(err, "ReceiveMessage long poll")
	el := time.Since(start)
	if check(len(rd.Messages) == 1 && el >= 900*time.Millisecond && el < 2900*time.Millisecond, "long poll: %d messages after %v", len(rd.Messages), el) {
		// The receipt handle works for ChangeMessageVisibility and DeleteMessage.
		_, err = c.ChangeMessageVisibility(&sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(std), ReceiptHandle: rd.Messages[0].ReceiptHandle, VisibilityTimeout: aws.Int64(60)})
		must(err, "ChangeMessageVisibility 60")
		_, err = c.DeleteMessage(&sqs.DeleteMessageInput{QueueUrl: aws.String(std), ReceiptHandle: rd.Messages[0].ReceiptHandle})
		must(err, "DeleteMessage delayed")
	}
	// An empty long poll lasts its WaitTimeSeconds.
	start = time.Now()
	re, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(std), WaitTimeSeconds: aws.Int64(1)})
	must(err, "ReceiveMessage empty")
	el = time.Since(start)
	check(len(re.Messages) == 0 && el >= 900*time.Millisecond, "empty long poll: %d messages after %v", len(re.Messages), el)

	// --- Invalid receipt handles.
	_, err = c.DeleteMessage(&sqs.DeleteMessageInput{QueueUrl: aws.String(std), ReceiptHandle: aws.String("not-a-receipt-handle")})
	expectError(err, "ReceiptHandleIsInvalid", 404, "DeleteMessage with an invalid receipt handle")
	_, err = c.ChangeMessageVisibility(&sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(std), ReceiptHandle: aws.String("not-a-receipt-handle"), VisibilityTimeout: aws.Int64(5)})
	expectError(err, "ReceiptHandleIsInvalid", 404, "ChangeMessageVisibility with an invalid receipt handle")

	// --- Batches with a partial failure.
	batchAttrs := map[string]*sqs.MessageAttributeValue{"n": {DataType: aws.String("Number"), StringValue: aws.String("1")}, "b": {DataType: aws.String("Binary"), BinaryValue: []byte{9, 8, 7}}}
	sb, err := c.SendMessageBatch(&sqs.SendMessageBatchInput{QueueUrl: aws.String(std), Entries: []*sqs.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String("first"), MessageAttributes: batchAttrs},
		{Id: aws.String("b"), MessageBody: aws.String("bad \u0001 body")},
		{Id: aws.String("c"), MessageBody: aws.String("third"), DelaySeconds: aws.Int64(0)},
	}})
	must(err, "SendMessageBatch") // the SDK verifies each MD5OfMessageBody
	okIDs := []string{}
	for _, s := range sb.Successful {
		okIDs = append(okIDs, aws.StringValue(s.Id))
		if aws.StringValue(s.Id) == "a" {
			check(aws.StringValue(s.MD5OfMessageAttributes) == md5OfAttributes(batchAttrs), "SendMessageBatch MD5OfMessageAttributes %q", aws.StringValue(s.MD5OfMessageAttributes))
		}
	}
	sort.Strings(okIDs)
	check(strings.Join(okIDs, ",") == "a,c", "SendMessageBatch successful %v", okIDs)
	if check(len(sb.Failed) == 1, "SendMessageBatch failed %v", sb.Failed) {
		f := sb.Failed[0]
		check(aws.StringValue(f.Id) == "b" && aws.StringValue(f.Code) == "InvalidMessageContents" && aws.BoolValue(f.SenderFault) && aws.StringValue(f.Message) != "", "SendMessageBatch failure %v", f)
	}
	_, err = c.SendMessageBatch(&sqs.SendMessageBatchInput{QueueUrl: aws.String(std), Entries: []*sqs.SendMessageBatchRequestEntry{{Id: aws.String("x"), MessageBody: aws.String("1")}, {Id: aws.String("x"), MessageBody: aws.String("2")}}})
	expectError(err, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400, "SendMessageBatch with repeated ids")
	rb, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(std), MaxNumberOfMessages: aws.Int64(10), MessageAttributeNames: []*string{aws.String("All")}, WaitTimeSeconds: aws.Int64(1)})
	must(err, "ReceiveMessage batch")
	if check(len(rb.Messages) == 2, "received %d of the batch", len(rb.Messages)) {
		cv, err := c.ChangeMessageVisibilityBatch(&sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(std), Entries: []*sqs.ChangeMessageVisibilityBatchRequestEntry{
			{Id: aws.String("v1"), ReceiptHandle: rb.Messages[0].ReceiptHandle, VisibilityTimeout: aws.Int64(30)},
			{Id: aws.String("v2"), ReceiptHandle: rb.Messages[1].ReceiptHandle, VisibilityTimeout: aws.Int64(30)},
			{Id: aws.String("v3"), ReceiptHandle: aws.String("garbage"), VisibilityTimeout: aws.Int64(30)},
		}})
		must(err, "ChangeMessageVisibilityBatch")
		check(len(cv.Successful) == 2 && len(cv.Failed) == 1 && aws.StringValue(cv.Failed[0].Id) == "v3" && aws.StringValue(cv.Failed[0].Code) == "ReceiptHandleIsInvalid" && aws.BoolValue(cv.Failed[0].SenderFault),
			"ChangeMessageVisibilityBatch %v", cv)
		db, err := c.DeleteMessageBatch(&sqs.DeleteMessageBatchInput{QueueUrl: aws.String(std), Entries: []*sqs.DeleteMessageBatchRequestEntry{
			{Id: aws.String("d1"), ReceiptHandle: rb.Messages[0].ReceiptHandle},
			{Id: aws.String("d2"), ReceiptHandle: rb.Messages[1].ReceiptHandle},
			{Id: aws.String("d3"), ReceiptHandle: aws.String("garbage")},
		}})
		must(err, "DeleteMessageBatch")
		check(len(db.Successful) == 2 && len(db.Failed) == 1 && aws.StringValue(db.Failed[0].Id) == "d3" && aws.StringValue(db.Failed[0].Code) == "ReceiptHandleIsInvalid" && aws.BoolValue(db.Failed[0].SenderFault),
			"DeleteMessageBatch %v", db)
	}

	// --- PurgeQueue.
	for i := 0; i < 3; i++ {
		_, err = c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(std), MessageBody: aws.String("purge me")})
		must(err, "SendMessage before purge")
	}
	_, err = c.PurgeQueue(&sqs.PurgeQueueInput{QueueUrl: aws.String(std)})
	must(err, "PurgeQueue")
	rp2, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(std)})
	must(err, "ReceiveMessage after purge")
	check(len(rp2.Messages) == 0, "%d messages after PurgeQueue", len(rp2.Messages))

	// --- FIFO: order within a group, explicit and content-based deduplication.
	for i := 0; i < 3; i++ {
		r, err := c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(exp), MessageBody: aws.String(fmt.Sprintf("m%d", i)), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String(fmt.Sprintf("d%d", i))})
		must(err, "SendMessage FIFO")
		check(aws.StringValue(r.SequenceNumber) != "", "FIFO SendMessage without SequenceNumber")
	}
	dup, err := c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(exp), MessageBody: aws.String("m0 again"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d0")})
	must(err, "SendMessage FIFO duplicate")
	_, err = c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(exp), MessageBody: aws.String("no dedup id"), MessageGroupId: aws.String("g")})
	expectError(err, "InvalidParameterValue", 400, "FIFO SendMessage without a deduplication id (no content-based deduplication)")
	_, err = c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(exp), MessageBody: aws.String("no group"), MessageDeduplicationId: aws.String("dx")})
	expectError(err, "MissingParameter", 400, "FIFO SendMessage without MessageGroupId")
	var order []string
	for i := 0; i < 4 && len(order) < 3; i++ {
		r, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(exp), MaxNumberOfMessages: aws.Int64(1), AttributeNames: []*string{aws.String("All")}})
		must(err, "ReceiveMessage FIFO")
		for _, m := range r.Messages {
			order = append(order, aws.StringValue(m.Body))
			check(aws.StringValue(m.Attributes["MessageGroupId"]) == "g" && aws.StringValue(m.Attributes["MessageDeduplicationId"]) != "" && aws.StringValue(m.Attributes["SequenceNumber"]) != "",
				"FIFO system attributes %v", aws.StringValueMap(m.Attributes))
			if aws.StringValue(m.Body) == "m0" {
				check(aws.StringValue(m.MessageId) == aws.StringValue(dup.MessageId), "the duplicate send returned another MessageId")
			}
			_, err = c.DeleteMessage(&sqs.DeleteMessageInput{QueueUrl: aws.String(exp), ReceiptHandle: m.ReceiptHandle})
			must(err, "DeleteMessage FIFO")
		}
	}
	check(strings.Join(order, ",") == "m0,m1,m2", "FIFO order %v", order)
	sb, err = c.SendMessageBatch(&sqs.SendMessageBatchInput{QueueUrl: aws.String(cbd), Entries: []*sqs.SendMessageBatchRequestEntry{
		{Id: aws.String("1"), MessageBody: aws.String("same"), MessageGroupId: aws.String("g1")},
		{Id: aws.String("2"), MessageBody: aws.String("same"), MessageGroupId: aws.String("g2")},
		{Id: aws.String("3"), MessageBody: aws.String("other"), MessageGroupId: aws.String("g1")},
	}})
	must(err, "SendMessageBatch FIFO content-based")
	check(len(sb.Successful) == 3 && len(sb.Failed) == 0, "SendMessageBatch FIFO %v", sb)
	rc, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(cbd), MaxNumberOfMessages: aws.Int64(10), AttributeNames: []*string{aws.String("MessageDeduplicationId")}})
	must(err, "ReceiveMessage FIFO content-based")
	var cbodies []string
	for _, m := range rc.Messages {
		cbodies = append(cbodies, aws.StringValue(m.Body))
		if aws.StringValue(m.Body) == "same" {
			check(aws.StringValue(m.Attributes["MessageDeduplicationId"]) == sha256Hex("same"), "content-based MessageDeduplicationId %q", aws.StringValue(m.Attributes["MessageDeduplicationId"]))
		}
	}
	check(strings.Join(cbodies, ",") == "same,other", "content-based deduplication: %v", cbodies)

	// --- maxReceiveCount: the second receive past the first moves the message to the dead-letter queue.
	ms, err := c.SendMessage(&sqs.SendMessageInput{QueueUrl: aws.String(src), MessageBody: aws.String("poison")})
	must(err, "SendMessage poison")
	for i := 1; i <= 2; i++ {
		r, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(src), WaitTimeSeconds: aws.Int64(3)})
		must(err, "ReceiveMessage poison")
		check(len(r.Messages) == 1, "poison receive %d: %d messages", i, len(r.Messages))
	}
	time.Sleep(1100 * time.Millisecond)
	r3, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(src), WaitTimeSeconds: aws.Int64(0)})
	must(err, "ReceiveMessage after maxReceiveCount")
	check(len(r3.Messages) == 0, "received %d messages past maxReceiveCount", len(r3.Messages))
	rdl, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(dlq), AttributeNames: []*string{aws.String("All")}, WaitTimeSeconds: aws.Int64(2)})
	must(err, "ReceiveMessage dead-letter queue")
	if check(len(rdl.Messages) == 1, "dead-letter queue: %d messages", len(rdl.Messages)) {
		m := rdl.Messages[0]
		check(aws.StringValue(m.MessageId) == aws.StringValue(ms.MessageId) && aws.StringValue(m.Body) == "poison", "dead letter %v", m)
		check(aws.StringValue(m.Attributes["DeadLetterQueueSourceArn"]) == arn(srcName), "DeadLetterQueueSourceArn %q", aws.StringValue(m.Attributes["DeadLetterQueueSourceArn"]))
	}

	// --- A presigned request (SigV4 in the query string; this SDK presigns Query actions as GET).
	pr, _ := c.SendMessageRequest(&sqs.SendMessageInput{QueueUrl: aws.String(std), MessageBody: aws.String("presigned")})
	signed, err := pr.Presign(5 * time.Minute)
	must(err, "Presign")
	if resp, err := http.Get(signed); check(err == nil, "GET presigned URL: %v", err) {
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		check(resp.StatusCode == 200 && strings.Contains(string(out), "<MD5OfMessageBody>"+md5Hex("presigned")+"</MD5OfMessageBody>"), "presigned SendMessage: %d %s", resp.StatusCode, out)
		tampered := strings.Replace(signed, "MessageBody=presigned", "MessageBody=tampered", 1)
		if resp, err := http.Get(tampered); check(err == nil, "GET tampered URL: %v", err) {
			out, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			check(resp.StatusCode == 403 && strings.Contains(string(out), "<Code>SignatureDoesNotMatch</Code>"), "tampered presigned URL: %d %s", resp.StatusCode, out)
		}
	}
	rps, err := c.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: aws.String(std), WaitTimeSeconds: aws.Int64(1)})
	must(err, "ReceiveMessage presigned")
	if check(len(rps.Messages) == 1 && aws.StringValue(rps.Messages[0].Body) == "presigned", "presigned message: %v", rps.Messages) {
		_, err = c.DeleteMessage(&sqs.DeleteMessageInput{QueueUrl: aws.String(std), ReceiptHandle: rps.Messages[0].ReceiptHandle})
		must(err, "DeleteMessage presigned")
	}

	// --- Requests refused by authentication.
	badSecret := sqs.New(session.Must(session.NewSession(&aws.Config{Region: aws.String(region), Endpoint: aws.String(endpoint), Credentials: credentials.NewStaticCredentials(keyID, secret+"x", ""), MaxRetries: aws.Int(0)})))
	_, err = badSecret.ListQueues(&sqs.ListQueuesInput{})
	expectError(err, "SignatureDoesNotMatch", 403, "a request signed with the wrong secret")
	badKey := sqs.New(session.Must(session.NewSession(&aws.Config{Region: aws.String(region), Endpoint: aws.String(endpoint), Credentials: credentials.NewStaticCredentials("AKIDUNKNOWNKEY", secret, ""), MaxRetries: aws.Int(0)})))
	_, err = badKey.ListQueues(&sqs.ListQueuesInput{})
	expectError(err, "InvalidClientTokenId", 403, "a request signed with an unknown key")

	// --- DeleteQueue.
	for _, q := range []string{std, src, dlq, cbd, exp} {
		_, err = c.DeleteQueue(&sqs.DeleteQueueInput{QueueUrl: aws.String(q)})
		must(err, "DeleteQueue "+q)
	}
	_, err = c.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: aws.String(std), AttributeNames: []*string{aws.String("All")}})
	expectError(err, "AWS.SimpleQueueService.NonExistentQueue", 400, "GetQueueAttributes of a deleted queue")

	if failures > 0 {
		fmt.Printf("FAILED %d\n", failures)
		os.Exit(1)
	}
	fmt.Printf("OK %d\n", checks)
}
