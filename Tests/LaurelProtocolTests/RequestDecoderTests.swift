import LaurelProtocol
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

/// Feeds `bytes` to a fresh decoder in the given chunk sizes; returns the frames and the framing error, if any.
func decodeRequests(
    _ bytes: [UInt8], chunks: [Int]? = nil, maxLine: Int = 65536, maxPayload: Int = 1 << 20
) throws -> (frames: [RequestFrame], error: FramingError?) {
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(RequestDecoder(maxLineBytes: maxLine, maxPayloadBytes: maxPayload)))
    defer { _ = try? channel.finish() }
    var frames: [RequestFrame] = []
    var offset = 0
    var sizes = chunks ?? [bytes.count]
    while offset < bytes.count {
        let size = min(sizes.isEmpty ? bytes.count : sizes.removeFirst(), bytes.count - offset)
        do {
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes[offset..<offset + size]))
        } catch let error as FramingError {
            while let frame = try channel.readInbound(as: RequestFrame.self) { frames.append(frame) }
            return (frames, error)
        }
        while let frame = try channel.readInbound(as: RequestFrame.self) { frames.append(frame) }
        offset += size
    }
    return (frames, nil)
}

/// The error `Request.parse` gives for `line` (which must be malformed).
func syntaxError(of line: String) -> RequestSyntaxError {
    do {
        _ = try Request.parse(line: line)
    } catch {
        return error
    }
    fatalError("\(line) parsed")
}

func randomChunks(total: Int, using rng: inout SeededGenerator) -> [Int] {
    var out: [Int] = []
    var left = total
    while left > 0 {
        let size = Int.random(in: 1...min(left, 1023), using: &rng)
        out.append(size)
        left -= size
    }
    return out
}

@Suite("Request decoder")
struct RequestDecoderTests {
    @Test("NIO's decoder verifier agrees (byte-at-a-time, chunked, EOF handling)")
    func verifier() throws {
        let submit = Request(.submit, ["n.txt", "5"], payload: Array("a\nb\r\n".utf8))
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: [
                ("PING\n", [.request(Request(.ping))]),
                ("search 葉莉 limit=5\r\n", [.request(Request(.search, ["葉莉", "limit=5"]))]),
                ("SUBMIT n.txt 5\na\nb\r\nPING\n", [.request(submit), .request(Request(.ping))]),
                ("GET \"ab\"cd\n", [.malformed(syntaxError(of: "GET \"ab\"cd"))]),
                ("\n", [.malformed(syntaxError(of: ""))]),
                ("SUBMIT e 0\nQUIT\n", [.request(Request(.submit, ["e", "0"], payload: [])), .request(Request(.quit))]),
            ],
            decoderFactory: { RequestDecoder() }
        )
    }

    @Test("random requests in random 1–1023-byte chunks decode the same as in one piece (200 streams)")
    func randomChunking() throws {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<200 {
            var bytes: [UInt8] = []
            var expected: [RequestFrame] = []
            for _ in 0..<Int.random(in: 1...30, using: &rng) {
                var request = RandomRequests.request(using: &rng)
                if request.verb == .submit {
                    let payload = (0..<Int.random(in: 0...3000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    request = Request.submit(fileName: RandomRequests.argument(using: &rng), contents: payload)
                }
                bytes += Array(request.serialized().utf8) + (Bool.random(using: &rng) ? [0x0A] : [0x0D, 0x0A])
                bytes += request.payload ?? []
                expected.append(.request(request))
            }
            let whole = try decodeRequests(bytes)
            #expect(whole.error == nil)
            #expect(whole.frames == expected)
            let chunked = try decodeRequests(bytes, chunks: randomChunks(total: bytes.count, using: &rng))
            #expect(chunked.frames == expected)
            let single = try decodeRequests(bytes, chunks: Array(repeating: 1, count: min(bytes.count, 400)) + [bytes.count])
            #expect(single.frames == expected)
        }
    }

    @Test("a line of exactly the limit is accepted, one byte more is refused (LF and CRLF)")
    func lineLimitBoundary() throws {
        let limit = 64
        let exact = "GET " + String(repeating: "x", count: limit - 4)
        for end in ["\n", "\r\n"] {
            let ok = try decodeRequests(Array((exact + end).utf8), chunks: Array(repeating: 1, count: 70), maxLine: limit)
            #expect(ok.error == nil)
            #expect(ok.frames == [.request(Request(.get, [String(repeating: "x", count: limit - 4)]))])
            let over = try decodeRequests(Array((exact + "y" + end).utf8), maxLine: limit)
            #expect(over.error?.kind == .lineTooLong)
            #expect(over.error?.reply?.text.hasPrefix("LINE_TOO_LONG ") == true)
        }
    }

    @Test("an over-long line without a newline is refused as soon as it passes the limit")
    func overlongWithoutNewline() throws {
        let limit = 64
        // limit bytes then a CR: could still be a CRLF line, so wait.
        let waiting = try decodeRequests(Array(repeating: UInt8(ascii: "a"), count: limit) + [0x0D], maxLine: limit)
        #expect(waiting.error == nil && waiting.frames.isEmpty)
        // limit + 1 bytes, the last not a CR: refused without waiting for more.
        let refused = try decodeRequests(Array(repeating: UInt8(ascii: "a"), count: limit + 1), maxLine: limit)
        #expect(refused.error?.kind == .lineTooLong)
        // a megabyte in chunks is refused at the first chunk past the limit, never buffered whole.
        let big = try decodeRequests(Array(repeating: UInt8(ascii: "a"), count: 1 << 20), chunks: Array(repeating: 1000, count: 1100))
        #expect(big.error?.kind == .lineTooLong)
    }

    @Test("invalid UTF-8 and NUL are encoding errors that close", arguments: [
        [UInt8]("GET ".utf8) + [0xC3, 0x28, 0x0A],
        [UInt8]("GET ".utf8) + [0xFF, 0x0A],
        [UInt8]("GET a".utf8) + [0x00, 0x62, 0x0A],
    ])
    func badEncoding(bytes: [UInt8]) throws {
        let result = try decodeRequests([UInt8]("PING\n".utf8) + bytes + [UInt8]("PING\n".utf8))
        #expect(result.frames == [.request(Request(.ping))])
        #expect(result.error?.kind == .badEncoding)
        #expect(result.error?.reply?.text.hasPrefix("BAD_ENCODING ") == true)
    }

    @Test("HTTP request lines get a silent hang-up", arguments: [
        "GET / HTTP/1.1\r\n", "POST /api HTTP/1.0\n", "PRI * HTTP/2.0\r\n", "OPTIONS * HTTP/1.1\r\n",
    ])
    func httpProbe(line: String) throws {
        let result = try decodeRequests(Array(line.utf8) + Array("Host: x\r\n\r\n".utf8))
        #expect(result.frames.isEmpty)
        #expect(result.error?.kind == .httpProbe)
        #expect(result.error?.reply == nil)
    }

    @Test("GET with an id that merely looks like a path is still a request")
    func notHTTP() throws {
        let result = try decodeRequests(Array("GET HTTP/1.1\nget / http/1.1\n".utf8))
        #expect(result.error == nil)
        #expect(result.frames.count == 2)
    }

    @Test("SUBMIT payloads split across chunks, holding LFs, CRs and NULs, arrive whole")
    func submitPayloadSplit() throws {
        let payload: [UInt8] = Array("Award: 最美\n\n".utf8) + [0, 0x0D, 0x0A, 0xFF] + Array("PING\n".utf8)
        let bytes = Array("SUBMIT n.txt \(payload.count)\n".utf8) + payload + Array("PING\n".utf8)
        for split in 1..<bytes.count {
            let result = try decodeRequests(bytes, chunks: [split, bytes.count])
            #expect(result.error == nil)
            #expect(result.frames == [.request(Request(.submit, ["n.txt", "\(payload.count)"], payload: payload)), .request(Request(.ping))])
        }
    }

    @Test("a SUBMIT payload of exactly the limit is accepted, one byte more is refused")
    func payloadLimitBoundary() throws {
        let ok = try decodeRequests(Array("SUBMIT f 100\n".utf8) + Array(repeating: 1, count: 100), maxPayload: 100)
        #expect(ok.error == nil && ok.frames.count == 1)
        let over = try decodeRequests(Array("SUBMIT f 101\n".utf8) + Array(repeating: 1, count: 101), maxPayload: 100)
        #expect(over.frames.isEmpty)
        #expect(over.error?.kind == .badPayloadLength)
        #expect(over.error?.reply?.text.hasPrefix("BAD_REQUEST ") == true)
    }

    @Test("bad SUBMIT lengths are framing errors, since the next request's start is unknown", arguments: [
        "SUBMIT f\n", "SUBMIT f -1\n", "SUBMIT f +5\n", "SUBMIT f 5x\n", "SUBMIT f 99999999999\n", "SUBMIT\n",
        "submit f 1 2\n", "SUBMIT \"f 5\n",
    ])
    func badSubmitLength(line: String) throws {
        let result = try decodeRequests(Array(line.utf8) + Array("PING\n".utf8))
        #expect(result.frames.isEmpty)
        #expect(result.error?.kind == .badPayloadLength)
    }

    @Test("syntax errors keep the stream going")
    func syntaxErrorKeepsConnection() throws {
        let result = try decodeRequests(Array("GET \"x\nFROB a\nPING\n".utf8))
        #expect(result.error == nil)
        #expect(result.frames.count == 3)
        guard case .malformed(let error) = result.frames[0] else {
            Issue.record("expected malformed")
            return
        }
        #expect(error.kind == .unterminatedQuote)
        #expect(result.frames[1] == .request(Request(Verb(rawValue: "frob"), ["a"])))
        #expect(result.frames[2] == .request(Request(.ping)))
    }

    @Test("a line without LF at end of input is dropped")
    func partialLineAtEOF() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RequestDecoder()))
        try channel.writeInbound(channel.allocator.buffer(string: "PING\nPIN"))
        #expect(try channel.readInbound(as: RequestFrame.self) == .request(Request(.ping)))
        _ = try channel.finish()
        #expect(try channel.readInbound(as: RequestFrame.self) == nil)
    }
}

@Suite("Encoders and reply decoder")
struct CodecTests {
    @Test("replies encode to status, separator, text and LF, and decode back through random chunks")
    func replyRoundTrip() throws {
        let lines: [ReplyLine] = [
            .record(AwardRecord(award: "最美 社區", entries: 3)), ReplyLine(.ok, more: false, "count=1"),
            ReplyLine(.ok, more: false, "PONG"), .error(.notFound, "no entry with id \"x\""),
            ReplyLine(.event, more: true, "{}"),
        ]
        var buffer = ByteBuffer()
        for line in lines { ReplyEncoder.write(line, into: &buffer) }
        let text = String(buffer: buffer)
        #expect(text.hasPrefix("OK-{\"award\":\"最美 社區\",\"entries\":3}\nOK count=1\nOK PONG\nERR NOT_FOUND"))
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<50 {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(ReplyDecoder()))
            var all = Array(buffer.readableBytesView)[...]
            var decoded: [ReplyLine] = []
            while !all.isEmpty {
                let size = Int.random(in: 1...min(17, all.count), using: &rng)
                try channel.writeInbound(channel.allocator.buffer(bytes: all.prefix(size)))
                all = all.dropFirst(size)
                while let line = try channel.readInbound(as: ReplyLine.self) { decoded.append(line) }
            }
            #expect(decoded == lines)
            _ = try channel.finish()
        }
    }

    @Test("a line end inside reply text cannot break framing")
    func replyTextNewline() {
        var buffer = ByteBuffer()
        ReplyEncoder.write(ReplyLine(.ok, more: false, "a\nb\rc"), into: &buffer)
        #expect(String(buffer: buffer) == "OK a b c\n")
    }

    @Test("the reply decoder refuses garbage and over-long lines")
    func replyDecoderErrors() throws {
        let garbage = EmbeddedChannel(handler: ByteToMessageHandler(ReplyDecoder()))
        #expect(throws: ReplyFramingError.self) { try garbage.writeInbound(garbage.allocator.buffer(string: "HTTP/1.1 200 OK\r\n")) }
        _ = try? garbage.finish()
        let long = EmbeddedChannel(handler: ByteToMessageHandler(ReplyDecoder(maxLineBytes: 10)))
        #expect(throws: ReplyFramingError.self) { try long.writeInbound(long.allocator.buffer(string: "OK 123456789012")) }
        _ = try? long.finish()
    }

    @Test("requests encode as line, LF, payload")
    func requestEncoder() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(RequestEncoder()))
        try channel.writeOutbound(Request.submit(fileName: "最美.txt", contents: [0x41, 0x0A]))
        try channel.writeOutbound(Request(.ping))
        var out = ByteBuffer()
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { out.writeBuffer(&buffer) }
        #expect(Array(out.readableBytesView) == Array("SUBMIT 最美.txt 2\nA\nPING\n".utf8))
        _ = try channel.finish()
    }
}
