import Testing

@testable import RelayLambda

@Suite struct LambdaHandlerKindTests {
    @Test func handlerNamesAreTheDocumentedOnes() {
        #expect(LambdaHandlerKind(rawValue: "firehose-transform") == .firehoseTransform)
        #expect(LambdaHandlerKind(rawValue: "scheduled-extraction") == .scheduledExtraction)
        #expect(LambdaHandlerKind(rawValue: "transform") == nil)
    }
}
