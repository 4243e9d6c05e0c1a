import RelayCore
import RelayPatterns
import Testing

/// One invalid pattern, the path the error must name and a fragment of its reason.
struct InvalidCase: CustomTestStringConvertible, Sendable {
    let pattern: String
    let path: String
    let reason: String
    var testDescription: String { pattern }

    init(_ pattern: String, _ path: String, _ reason: String) {
        self.pattern = pattern
        self.path = path
        self.reason = reason
    }
}

let invalidCases: [InvalidCase] = [
    InvalidCase(#"[]"#, "", "JSON object"),
    InvalidCase(#""source""#, "", "JSON object"),
    InvalidCase(#"{}"#, "", "empty pattern object"),
    InvalidCase(#"{"detail":{}}"#, "detail", "empty pattern object"),
    InvalidCase(#"{"source":"aws.ec2"}"#, "source", "list of values"),
    InvalidCase(#"{"source":[]}"#, "source", "empty value list"),
    InvalidCase(
        #"{"detail":{"eventBody":{"action":["a","b",["c"]]}}}"#, "detail.eventBody.action[2]", "cannot contain a list"),
    InvalidCase(#"{"a":[{"regex":"x"}]}"#, "a[0]", "unknown operator \"regex\""),
    InvalidCase(#"{"a":[{"prefix":"x","suffix":"y"}]}"#, "a[0]", "exactly one operator"),
    InvalidCase(#"{"a":[{}]}"#, "a[0]", "exactly one operator"),
    InvalidCase(#"{"a":["x",{"prefix":5}]}"#, "a[1]", "prefix takes a string"),
    InvalidCase(#"{"a":[{"prefix":{"ignore-case":"x"}}]}"#, "a[0]", "equals-ignore-case"),
    InvalidCase(#"{"a":[{"suffix":{"equals-ignore-case":1}}]}"#, "a[0]", "suffix.equals-ignore-case takes a string"),
    InvalidCase(#"{"a":[{"equals-ignore-case":["x"]}]}"#, "a[0]", "equals-ignore-case takes a string"),
    InvalidCase(#"{"a":[{"wildcard":"a**b"}]}"#, "a[0]", "consecutive"),
    InvalidCase(#"{"a":[{"wildcard":"a\\b"}]}"#, "a[0]", "backslash"),
    InvalidCase(#"{"a":[{"wildcard":"a\\"}]}"#, "a[0]", "trailing backslash"),
    InvalidCase(#"{"a":[{"anything-but":true}]}"#, "a[0]", "not a boolean"),
    InvalidCase(#"{"a":[{"anything-but":[]}]}"#, "a[0]", "empty list"),
    InvalidCase(#"{"a":[{"anything-but":["x",1]}]}"#, "a[0]", "only strings or only numbers"),
    InvalidCase(#"{"a":[{"anything-but":{"numeric":[">",1]}}]}"#, "a[0]", "does not take \"numeric\""),
    InvalidCase(#"{"a":[{"anything-but":{"prefix":""}}]}"#, "a[0]", "empty string"),
    InvalidCase(#"{"a":[{"anything-but":{"prefix":"x","suffix":"y"}}]}"#, "a[0]", "found 2 keys"),
    InvalidCase(#"{"a":[{"anything-but":{"wildcard":[1]}}]}"#, "a[0]", "takes a string"),
    InvalidCase(#"{"a":[{"numeric":5}]}"#, "a[0]", "numeric takes a list"),
    InvalidCase(#"{"a":[{"numeric":[">"]}]}"#, "a[0]", "got 1 items"),
    InvalidCase(#"{"a":[{"numeric":["<",5,">",0]}]}"#, "a[0]", "a range starts with"),
    InvalidCase(#"{"a":[{"numeric":[">",5,"<",5]}]}"#, "a[0]", "must be below"),
    InvalidCase(#"{"a":[{"numeric":["=",1,"<",5]}]}"#, "a[0]", "a range starts with"),
    InvalidCase(#"{"a":[{"numeric":["!=",1]}]}"#, "a[0]", "item 0"),
    InvalidCase(#"{"a":[{"numeric":[">","1"]}]}"#, "a[0]", "item 1 must be a number"),
    InvalidCase(#"{"a":[{"exists":"yes"}]}"#, "a[0]", "exists takes true or false"),
    InvalidCase(#"{"detail":{"exists":true}}"#, "detail.exists", "is an operator"),
    InvalidCase(#"{"a":[{"cidr":"10.0.0.0"}]}"#, "a[0]", "prefix length"),
    InvalidCase(#"{"a":[{"cidr":"10.0.0.0/33"}]}"#, "a[0]", "0 to 32"),
    InvalidCase(#"{"a":[{"cidr":"10.0.0/8"}]}"#, "a[0]", "not an IPv4 or IPv6 address"),
    InvalidCase(#"{"a":[{"cidr":"2001:db8::/129"}]}"#, "a[0]", "0 to 128"),
    InvalidCase(#"{"a":[{"cidr":"2001:db8:::1/64"}]}"#, "a[0]", "not an IPv4 or IPv6 address"),
    InvalidCase(#"{"a":[{"cidr":5}]}"#, "a[0]", "cidr takes a string"),
    InvalidCase(#"{"$or":[{"a":["x"]}]}"#, "$or", "at least two"),
    InvalidCase(#"{"$or":{"a":["x"]}}"#, "$or", "not a object"),
    InvalidCase(#"{"$or":[{"a":["x"]},"b"]}"#, "$or[1]", "pattern object"),
    InvalidCase(#"{"detail":{"$or":[{"a":["x"]},{"x":[{"nope":1}]}]}}"#, "detail.$or[1].x[0]", "unknown operator"),
    InvalidCase(#"{"detail":{"$or":[{"a":["x"]},{"x":"y"}]}}"#, "detail.$or[1].x", "list of values"),
    InvalidCase(#"{"a":["x"],"a":["y"]}"#, "a", "appears twice"),
    InvalidCase(#"{"a":["x"}"#, "", "invalid JSON at byte"),
]

@Suite("Invalid event patterns")
struct InvalidPatternTests {
    @Test("each invalid pattern is rejected with its path and reason", arguments: invalidCases)
    func rejected(_ row: InvalidCase) {
        do {
            _ = try EventPattern(parsing: row.pattern)
            Issue.record("accepted \(row.pattern)")
        } catch {
            #expect(error.path == row.path, "\(row.pattern): \(error)")
            #expect(error.reason.contains(row.reason), "\(row.pattern): \(error)")
        }
    }

    @Test("the description names the path")
    func description() {
        let error = PatternError(path: "detail.$or[1].x", reason: "bad")
        #expect(error.description == "event pattern at detail.$or[1].x: bad")
        #expect(PatternError(path: "", reason: "bad").description == "event pattern: bad")
    }
}
