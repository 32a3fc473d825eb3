import LaurelProtocol
import NIOCore
import Testing

/// Cases found while fuzzing the request side (`Fuzz/Sources/fuzz-request`, docs/RELIABILITY.md).
@Suite("Fuzz regressions: request decoder")
struct RequestFuzzRegressionTests {
    @Test(
        "a broken SUBMIT line with a quoted verb is a framing error, so its payload is never read as requests",
        arguments: [#""SUBMIT" "a.nom 5"#, #""submit" a.nom "5"#, #""SUBMIT a.nom 5"#])
    func quotedSubmitVerb(_ line: String) throws {
        // Found by reading the fuzz target's SUBMIT cases: `"SUBMIT" x "5` came out as a malformed
        // frame and the next bytes (the payload: `QUIT`) were decoded as a request.
        let bytes = Array((line + "\nQUIT\n").utf8)
        for chunks in [nil, Array(repeating: 1, count: bytes.count)] {
            let result = try decodeRequests(bytes, chunks: chunks)
            #expect(result.frames.isEmpty)
            #expect(result.error?.kind == .badPayloadLength)
        }
    }

    @Test("a well-formed quoted SUBMIT verb is a SUBMIT and takes its payload")
    func quotedSubmitAccepted() throws {
        let result = try decodeRequests(Array("\"submit\" a.nom 5\nQUIT\n".utf8))
        #expect(result.error == nil)
        #expect(result.frames == [.request(Request(.submit, ["a.nom", "5"], payload: Array("QUIT\n".utf8)))])
    }
}
