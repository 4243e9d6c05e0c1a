import RelayCore
import RelayPatterns
import Testing

/// One row: a pattern, an event, and whether EventBridge would deliver the event.
struct MatchCase: CustomTestStringConvertible, Sendable {
    let name: String
    let pattern: String
    let event: String
    let expected: Bool
    var testDescription: String { name }

    init(_ name: String, _ pattern: String, _ event: String, _ expected: Bool) {
        self.name = name
        self.pattern = pattern
        self.event = event
        self.expected = expected
    }
}

/// The aws/event-ruler README's sample EC2 event, used by its documented examples.
let ec2Event = """
    {"version":"0","id":"ddddd4-aaaa-7777-4444-345dd43cc333","detail-type":"EC2 Instance State-change Notification",
     "source":"aws.ec2","account":"012345679012","time":"2017-10-02T16:24:49Z","region":"us-east-1",
     "resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
     "detail":{"c-count":5,"d-count":3,"x-limit":301.8,"source-ip":"10.0.0.33","instance-id":"i-000000aaaaaa00000","state":"running"}}
    """

/// The README's examples, each of which matches the sample event; variations that must not.
let documentedCases: [MatchCase] = [
    MatchCase(
        "simple",
        #"{"detail-type":["EC2 Instance State-change Notification"],"resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],"detail":{"state":["initializing","running"]}}"#,
        ec2Event, true),
    MatchCase("prefix", #"{"time":[{"prefix":"2017-10-02"}]}"#, ec2Event, true),
    MatchCase("suffix", #"{"source":[{"suffix":"ec2"}]}"#, ec2Event, true),
    MatchCase("equals-ignore-case", #"{"source":[{"equals-ignore-case":"AWS.EC2"}]}"#, ec2Event, true),
    MatchCase("anything-but string", #"{"detail":{"state":[{"anything-but":"initializing"}]}}"#, ec2Event, true),
    MatchCase("anything-but number", #"{"detail":{"x-limit":[{"anything-but":123}]}}"#, ec2Event, true),
    MatchCase(
        "anything-but string list", #"{"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}}"#, ec2Event, true
    ),
    MatchCase("anything-but number list", #"{"detail":{"x-limit":[{"anything-but":[100,200,300]}]}}"#, ec2Event, true),
    MatchCase("anything-but prefix", #"{"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}"#, ec2Event, true),
    MatchCase(
        "numeric",
        #"{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"numeric":["=",3.018e2]}]}}"#,
        ec2Event, true),
    MatchCase("cidr", #"{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}"#, ec2Event, true),
    MatchCase("exists true", #"{"detail":{"c-count":[{"exists":true}]}}"#, ec2Event, true),
    MatchCase("exists false on present field", #"{"detail":{"c-count":[{"exists":false}]}}"#, ec2Event, false),
    MatchCase(
        "complex",
        #"{"time":[{"prefix":"2017-10-02"}],"detail":{"state":[{"anything-but":"initializing"}],"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"anything-but":[100,200,300]}],"source-ip":[{"cidr":"10.0.0.0/8"}]}}"#,
        ec2Event, true),
    MatchCase(
        "complex, one field off",
        #"{"time":[{"prefix":"2017-10-02"}],"detail":{"state":[{"anything-but":"running"}],"c-count":[{"numeric":[">",0,"<=",5]}]}}"#,
        ec2Event, false),
    MatchCase(
        "anything-but excludes the value", #"{"detail":{"state":[{"anything-but":["running","stopped"]}]}}"#, ec2Event,
        false),
    MatchCase(
        "anything-but prefix excludes", #"{"detail":{"state":[{"anything-but":{"prefix":"run"}}]}}"#, ec2Event, false),
    MatchCase("numeric out of range", #"{"detail":{"c-count":[{"numeric":[">",5,"<=",10]}]}}"#, ec2Event, false),
    MatchCase("cidr outside", #"{"detail":{"source-ip":[{"cidr":"10.0.1.0/24"}]}}"#, ec2Event, false),
    MatchCase("value not listed", #"{"detail":{"state":["stopped","pending"]}}"#, ec2Event, false),
    MatchCase("missing field", #"{"detail":{"nothing":["x"]}}"#, ec2Event, false),
]

let valueCases: [MatchCase] = [
    // Exact values and kinds.
    MatchCase("number by value 5 = 5.0", #"{"n":[5]}"#, #"{"n":5.0}"#, true),
    MatchCase("number by value 5e0", #"{"n":[5.0]}"#, #"{"n":5e0}"#, true),
    MatchCase("number differs", #"{"n":[5]}"#, #"{"n":5.1}"#, false),
    MatchCase("large integers compare exactly", #"{"n":[9007199254740993]}"#, #"{"n":9007199254740992}"#, false),
    MatchCase("number is not a string", #"{"n":[5]}"#, #"{"n":"5"}"#, false),
    MatchCase("string is not a number", #"{"n":["5"]}"#, #"{"n":5}"#, false),
    MatchCase("true matches true", #"{"b":[true]}"#, #"{"b":true}"#, true),
    MatchCase("true is not 1", #"{"b":[true]}"#, #"{"b":1}"#, false),
    MatchCase("1 is not true", #"{"b":[1]}"#, #"{"b":true}"#, false),
    MatchCase("false", #"{"b":[false]}"#, #"{"b":false}"#, true),
    MatchCase("true is not \"true\"", #"{"b":[true]}"#, #"{"b":"true"}"#, false),
    MatchCase("null matches null", #"{"v":[null]}"#, #"{"v":null}"#, true),
    MatchCase("null does not match a missing field", #"{"v":[null]}"#, #"{}"#, false),
    MatchCase("null is not empty string", #"{"v":[null]}"#, #"{"v":""}"#, false),
    MatchCase("empty string", #"{"v":[""]}"#, #"{"v":""}"#, true),
    MatchCase("strings are case-sensitive", #"{"v":["Running"]}"#, #"{"v":"running"}"#, false),
    MatchCase("non-ASCII exact", #"{"v":["Zürich"]}"#, #"{"v":"Zürich"}"#, true),
    // Arrays in events.
    MatchCase("array matches any element", #"{"r":["b"]}"#, #"{"r":["a","b","c"]}"#, true),
    MatchCase("array without the value", #"{"r":["z"]}"#, #"{"r":["a","b"]}"#, false),
    MatchCase("nested arrays of scalars", #"{"r":[3]}"#, #"{"r":[[1,2],[3]]}"#, true),
    MatchCase("array with numbers, numeric", #"{"r":[{"numeric":[">",10]}]}"#, #"{"r":[1,20]}"#, true),
    MatchCase(
        "array of objects, nested field", #"{"employees":{"firstName":["Anna"]}}"#,
        #"{"employees":[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"}]}"#, true),
    MatchCase(
        "array consistency: fields from different elements do not combine",
        #"{"employees":{"firstName":["Anna"],"lastName":["Jones"]}}"#,
        #"{"employees":[[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"}],[{"firstName":"Peter","lastName":"Jones"}]]}"#,
        false),
    MatchCase(
        "array consistency: same element", #"{"employees":{"firstName":["Anna"],"lastName":["Smith"]}}"#,
        #"{"employees":[[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"}]]}"#, true),
    MatchCase("empty array is absent", #"{"r":[{"exists":false}]}"#, #"{"r":[]}"#, true),
    MatchCase("empty array does not exist", #"{"r":[{"exists":true}]}"#, #"{"r":[]}"#, false),
    MatchCase("array of scalars exists", #"{"r":[{"exists":true}]}"#, #"{"r":["a"]}"#, true),
    // Nested fields.
    MatchCase(
        "deeply nested", #"{"detail":{"eventBody":{"user":{"id":["u1"]}}}}"#,
        #"{"detail":{"eventBody":{"user":{"id":"u1"}}}}"#, true),
    MatchCase("nested pattern against a scalar", #"{"detail":{"state":["x"]}}"#, #"{"detail":"x"}"#, false),
    MatchCase("leaf pattern against an object", #"{"detail":["x"]}"#, #"{"detail":{"x":1}}"#, false),
    MatchCase("dotted key is not a path", #"{"detail":{"state":["x"]}}"#, #"{"detail.state":"x"}"#, false),
    // prefix / suffix / equals-ignore-case / wildcard.
    MatchCase("prefix on number does not match", #"{"n":[{"prefix":"5"}]}"#, #"{"n":55}"#, false),
    MatchCase("prefix longer than value", #"{"s":[{"prefix":"abcdef"}]}"#, #"{"s":"abc"}"#, false),
    MatchCase("empty prefix matches any string", #"{"s":[{"prefix":""}]}"#, #"{"s":"abc"}"#, true),
    MatchCase(
        "prefix ignore case", #"{"s":[{"prefix":{"equals-ignore-case":"ROUTING:"}}]}"#, #"{"s":"routing:queue"}"#, true),
    MatchCase(
        "prefix ignore case no match", #"{"s":[{"prefix":{"equals-ignore-case":"ROUTING:"}}]}"#,
        #"{"s":"route:queue"}"#, false),
    MatchCase("suffix ignore case", #"{"s":[{"suffix":{"equals-ignore-case":".PNG"}}]}"#, #"{"s":"image.png"}"#, true),
    MatchCase(
        "suffix ignore case non-ASCII", #"{"s":[{"suffix":{"equals-ignore-case":"ÜBER"}}]}"#, #"{"s":"ganz über"}"#,
        true),
    MatchCase("suffix case-sensitive", #"{"s":[{"suffix":".PNG"}]}"#, #"{"s":"image.png"}"#, false),
    MatchCase("equals-ignore-case non-ASCII", #"{"s":[{"equals-ignore-case":"ZÜRICH"}]}"#, #"{"s":"zürich"}"#, true),
    MatchCase(
        "equals-ignore-case differs in length", #"{"s":[{"equals-ignore-case":"abc"}]}"#, #"{"s":"abcd"}"#, false),
    MatchCase(
        "wildcard middle", #"{"source":[{"wildcard":"Simple*Service"}]}"#, #"{"source":"SimpleQueueService"}"#, true),
    MatchCase(
        "wildcard empty run", #"{"source":[{"wildcard":"Simple*Service"}]}"#, #"{"source":"SimpleService"}"#, true),
    MatchCase(
        "wildcard anchored end", #"{"source":[{"wildcard":"Simple*Service"}]}"#, #"{"source":"SimpleServices"}"#, false),
    MatchCase("wildcard several stars", #"{"k":[{"wildcard":"*/a*b/*.txt"}]}"#, #"{"k":"x/aab/c/d.txt"}"#, true),
    MatchCase("wildcard overlapping pieces", #"{"k":[{"wildcard":"ab*ba"}]}"#, #"{"k":"aba"}"#, false),
    MatchCase("wildcard escaped star", #"{"k":[{"wildcard":"a\\*b"}]}"#, #"{"k":"a*b"}"#, true),
    MatchCase("wildcard escaped star is literal", #"{"k":[{"wildcard":"a\\*b"}]}"#, #"{"k":"axb"}"#, false),
    MatchCase("wildcard escaped backslash", #"{"k":[{"wildcard":"a\\\\*"}]}"#, #"{"k":"a\\xyz"}"#, true),
    MatchCase("wildcard star alone", #"{"k":[{"wildcard":"*"}]}"#, #"{"k":""}"#, true),
    MatchCase("wildcard on number", #"{"k":[{"wildcard":"*"}]}"#, #"{"k":1}"#, false),
    // anything-but.
    MatchCase("anything-but matches other kinds", #"{"s":[{"anything-but":"x"}]}"#, #"{"s":5}"#, true),
    MatchCase("anything-but needs a present field", #"{"s":[{"anything-but":"x"}]}"#, #"{}"#, false),
    MatchCase("anything-but on array, another element", #"{"s":[{"anything-but":"x"}]}"#, #"{"s":["x","y"]}"#, true),
    MatchCase("anything-but on array, only excluded", #"{"s":[{"anything-but":"x"}]}"#, #"{"s":["x"]}"#, false),
    MatchCase("anything-but number by value", #"{"n":[{"anything-but":[100]}]}"#, #"{"n":100.0}"#, false),
    MatchCase("anything-but suffix", #"{"s":[{"anything-but":{"suffix":".tmp"}}]}"#, #"{"s":"a.tmp"}"#, false),
    MatchCase("anything-but suffix other", #"{"s":[{"anything-but":{"suffix":".tmp"}}]}"#, #"{"s":"a.txt"}"#, true),
    MatchCase(
        "anything-but equals-ignore-case", #"{"s":[{"anything-but":{"equals-ignore-case":["ALICE","bob"]}}]}"#,
        #"{"s":"Bob"}"#, false),
    MatchCase(
        "anything-but equals-ignore-case other", #"{"s":[{"anything-but":{"equals-ignore-case":["ALICE","bob"]}}]}"#,
        #"{"s":"carol"}"#, true),
    MatchCase(
        "anything-but wildcard", #"{"s":[{"anything-but":{"wildcard":"*init*"}}]}"#, #"{"s":"reinitialize"}"#, false),
    MatchCase(
        "anything-but wildcard other", #"{"s":[{"anything-but":{"wildcard":"*init*"}}]}"#, #"{"s":"running"}"#, true),
    // numeric.
    MatchCase("numeric lower bound exclusive", #"{"n":[{"numeric":[">",0,"<=",5]}]}"#, #"{"n":0}"#, false),
    MatchCase("numeric upper bound inclusive", #"{"n":[{"numeric":[">",0,"<=",5]}]}"#, #"{"n":5}"#, true),
    MatchCase("numeric >=", #"{"n":[{"numeric":[">=",1.5]}]}"#, #"{"n":1.5}"#, true),
    MatchCase("numeric negative", #"{"n":[{"numeric":["<",0]}]}"#, #"{"n":-3e2}"#, true),
    MatchCase("numeric on string", #"{"n":[{"numeric":[">",0]}]}"#, #"{"n":"7"}"#, false),
    MatchCase("numeric =", #"{"n":[{"numeric":["=",301.8]}]}"#, #"{"n":3.018e2}"#, true),
    // exists.
    MatchCase("exists false on missing", #"{"d":{"c":[{"exists":false}]}}"#, #"{"d":{"x":1}}"#, true),
    MatchCase("exists false when the parent is missing", #"{"d":{"c":[{"exists":false}]}}"#, #"{"x":1}"#, true),
    MatchCase(
        "exists false on an object-valued field", #"{"d":{"c":[{"exists":false}]}}"#, #"{"d":{"c":{"c1":100}}}"#, true),
    MatchCase(
        "exists true on an object-valued field", #"{"d":{"c":[{"exists":true}]}}"#, #"{"d":{"c":{"c1":100}}}"#, false),
    MatchCase("exists true on null", #"{"d":[{"exists":true}]}"#, #"{"d":null}"#, true),
    MatchCase("exists false or a value", #"{"d":[{"exists":false},"x"]}"#, #"{"d":"x"}"#, true),
    // cidr.
    MatchCase("cidr IPv4 /32", #"{"ip":[{"cidr":"192.168.1.7/32"}]}"#, #"{"ip":"192.168.1.7"}"#, true),
    MatchCase("cidr IPv4 /0", #"{"ip":[{"cidr":"0.0.0.0/0"}]}"#, #"{"ip":"8.8.8.8"}"#, true),
    MatchCase(
        "cidr host bits in the block are ignored", #"{"ip":[{"cidr":"10.1.2.3/8"}]}"#, #"{"ip":"10.200.0.1"}"#, true),
    MatchCase("cidr IPv4 not an address", #"{"ip":[{"cidr":"10.0.0.0/8"}]}"#, #"{"ip":"10.0.0"}"#, false),
    MatchCase("cidr IPv4 octet too large", #"{"ip":[{"cidr":"10.0.0.0/8"}]}"#, #"{"ip":"10.0.0.256"}"#, false),
    MatchCase("cidr IPv6", #"{"ip":[{"cidr":"2001:db8::/32"}]}"#, #"{"ip":"2001:0db8:85a3::8a2e:370:7334"}"#, true),
    MatchCase("cidr IPv6 outside", #"{"ip":[{"cidr":"2001:db8::/32"}]}"#, #"{"ip":"2001:db9::1"}"#, false),
    MatchCase("cidr IPv6 /128 full form", #"{"ip":[{"cidr":"::1/128"}]}"#, #"{"ip":"0:0:0:0:0:0:0:1"}"#, true),
    MatchCase(
        "cidr IPv6 /64 low half free", #"{"ip":[{"cidr":"fe80::/64"}]}"#, #"{"ip":"FE80::abcd:1234:5678:9"}"#, true),
    MatchCase(
        "cidr IPv6 /70", #"{"ip":[{"cidr":"fe80::fc00:0:0:0/70"}]}"#, #"{"ip":"fe80::fdff:ffff:ffff:ffff"}"#, true),
    MatchCase(
        "cidr IPv6 /70 outside", #"{"ip":[{"cidr":"fe80::fc00:0:0:0/70"}]}"#, #"{"ip":"fe80::f800:0:0:0"}"#, false),
    MatchCase("cidr IPv6 with dotted quad", #"{"ip":[{"cidr":"::ffff:0:0/96"}]}"#, #"{"ip":"::ffff:10.0.0.1"}"#, true),
    MatchCase("cidr families differ", #"{"ip":[{"cidr":"::/0"}]}"#, #"{"ip":"10.0.0.1"}"#, false),
    MatchCase("cidr two gaps is not an address", #"{"ip":[{"cidr":"::/0"}]}"#, #"{"ip":"1::2::3"}"#, false),
    // $or.
    MatchCase(
        "$or first",
        #"{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization","ReadLatency"]},{"namespace":["AWS/EC2","AWS/ES"]}]}"#,
        #"{"source":"aws.cloudwatch","metricName":"ReadLatency"}"#, true),
    MatchCase(
        "$or second",
        #"{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"namespace":["AWS/EC2","AWS/ES"]}]}"#,
        #"{"source":"aws.cloudwatch","namespace":"AWS/ES"}"#, true),
    MatchCase(
        "$or none",
        #"{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"namespace":["AWS/EC2"]}]}"#,
        #"{"source":"aws.cloudwatch","namespace":"AWS/ES"}"#, false),
    MatchCase(
        "$or is ANDed with fields",
        #"{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"namespace":["AWS/EC2"]}]}"#,
        #"{"source":"aws.ec2","namespace":"AWS/EC2"}"#, false),
    MatchCase(
        "parallel $or",
        #"{"$or":[{"metricName":["CPUUtilization"]},{"namespace":["AWS/EC2"]}],"detail":{"$or":[{"source":["aws.cloudwatch"]},{"detail-type":["CloudWatch Alarm State Change"]}]}}"#,
        #"{"namespace":"AWS/EC2","detail":{"detail-type":"CloudWatch Alarm State Change"}}"#, true),
    MatchCase(
        "parallel $or, second group fails",
        #"{"$or":[{"metricName":["CPUUtilization"]},{"namespace":["AWS/EC2"]}],"detail":{"$or":[{"source":["aws.cloudwatch"]},{"detail-type":["x"]}]}}"#,
        #"{"namespace":"AWS/EC2","detail":{"detail-type":"y"}}"#, false),
    MatchCase(
        "$or with AND inside",
        #"{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"metricType":["MetricType"],"namespace":["AWS/EC2"]},{"scope":["Service"]}]}"#,
        #"{"source":"aws.cloudwatch","metricType":"MetricType","namespace":"AWS/EC2"}"#, true),
    MatchCase(
        "$or with AND inside, half",
        #"{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"metricType":["MetricType"],"namespace":["AWS/EC2"]}]}"#,
        #"{"source":"aws.cloudwatch","metricType":"MetricType"}"#, false),
    MatchCase(
        "nested $or",
        #"{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"metricType":["MetricType"],"namespace":["AWS/EC2"],"$or":[{"metricId":[1234]},{"spaceId":[1000]}]}]}"#,
        #"{"source":"aws.cloudwatch","metricType":"MetricType","namespace":"AWS/EC2","spaceId":1000}"#, true),
    MatchCase(
        "nested $or, inner fails",
        #"{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"metricType":["MetricType"],"namespace":["AWS/EC2"],"$or":[{"metricId":[1234]},{"spaceId":[1000]}]}]}"#,
        #"{"source":"aws.cloudwatch","metricType":"MetricType","namespace":"AWS/EC2","spaceId":1001}"#, false),
    // A Genesys Cloud EventBridge event, as a route would filter it.
    MatchCase(
        "genesys audit topic",
        #"{"source":[{"prefix":"aws.partner/genesys.com"}],"detail-type":[{"wildcard":"v2.audits.entitytype.*.entityid.*"}],"detail":{"eventBody":{"action":["Delete","Update"],"entityType":[{"anything-but":"Conversation"}]}}}"#,
        #"{"source":"aws.partner/genesys.com/cloud/abc/audits","detail-type":"v2.audits.entitytype.Queue.entityid.q1","detail":{"eventBody":{"action":"Delete","entityType":"Queue"}}}"#,
        true),
]

@Suite("Event pattern matching")
struct MatchTableTests {
    @Test("documented examples", arguments: documentedCases)
    func documented(_ row: MatchCase) throws {
        try check(row)
    }

    @Test("every operator and event shape", arguments: valueCases)
    func values(_ row: MatchCase) throws {
        try check(row)
    }

    @Test("a non-object event never matches")
    func nonObjectEvent() throws {
        let pattern = try EventPattern(parsing: #"{"a":[{"exists":false}]}"#)
        #expect(!pattern.matches(.array([])))
        #expect(!pattern.matches("a"))
        #expect(pattern.matches([:]))
    }

    private func check(_ row: MatchCase) throws {
        let pattern = try EventPattern(parsing: row.pattern)
        let event = try JSONParser.parse(row.event)
        #expect(pattern.matches(event) == row.expected, "\(row.name): \(row.pattern) against \(row.event)")
    }
}
