import LaurelProtocol
import NIOCore

// Properties of the request side of the protocol:
// 1. `Request.parse(line:)` on any valid UTF-8 line either throws a `RequestSyntaxError` with a
//    non-empty sentence or gives a request r with `parse(r.serialized()) == r` and a stable
//    `serialized()` (print → parse → print gives the same text).
// 2. `RequestDecoder` gives the same frames and the same framing error whether the bytes arrive in
//    one chunk or in chunks whose sizes are derived from the input itself (deterministic).
// Small limits so that the fuzzer reaches the line and payload bounds.

let maxLine = 64
let maxPayload = 200

func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property violated: \(message())") }
}

func checkLine(_ line: String) {
    let request: Request
    do {
        request = try Request.parse(line: line)
    } catch {
        require(!error.sentence.isEmpty, "a syntax error with an empty sentence for \(String(reflecting: line))")
        return
    }
    checkRoundTrip(request, from: line)
}

func checkRoundTrip(_ request: Request, from line: String) {
    var bare = request
    bare.payload = nil
    let printed = request.serialized()
    let again: Request
    do {
        again = try Request.parse(line: printed)
    } catch {
        fatalError("serialized() of a parsed request does not parse: \(String(reflecting: printed)) from \(String(reflecting: line)): \(error)")
    }
    require(again == bare, "parse(serialized()) differs: \(bare) → \(String(reflecting: printed)) → \(again)")
    require(again.serialized() == printed, "serialized() not stable: \(String(reflecting: printed)) → \(String(reflecting: again.serialized()))")
}

struct Outcome: Equatable {
    var frames: [RequestFrame] = []
    var error: FramingError?
}

/// Feed `bytes` to a fresh decoder in chunks of the given sizes (the last chunk takes the rest).
func decode(_ bytes: [UInt8], chunkSizes: [Int]) -> Outcome {
    let processor = NIOSingleStepByteToMessageProcessor(RequestDecoder(maxLineBytes: maxLine, maxPayloadBytes: maxPayload))
    var outcome = Outcome()
    var offset = 0
    var sizes = chunkSizes[...]
    do {
        while offset < bytes.count {
            let size = min(sizes.popFirst() ?? bytes.count, bytes.count - offset)
            let buffer = ByteBuffer(bytes: bytes[offset..<offset + size])
            offset += size
            try processor.process(buffer: buffer) { outcome.frames.append($0) }
        }
        try processor.finishProcessing(seenEOF: true) { outcome.frames.append($0) }
    } catch let error as FramingError {
        outcome.error = error
    } catch {
        fatalError("the decoder threw something other than a FramingError: \(error)")
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeBufferPointer(start: start, count: count))

    // 1. Line grammar, on each valid UTF-8 line of the input (and the whole input, if valid).
    if let whole = String(validating: bytes, as: UTF8.self) {
        for line in whole.split(separator: "\n", omittingEmptySubsequences: false) {
            checkLine(String(line))
        }
    }

    // 2. Framing: one chunk against chunk sizes taken from the input's own bytes (1...16).
    let oneChunk = decode(bytes, chunkSizes: [])
    let split = decode(bytes, chunkSizes: bytes.map { Int($0 & 0x0F) + 1 })
    require(oneChunk == split, "chunking changed the outcome:\n\(oneChunk)\n\(split)")
    // Byte at a time costs one buffer per byte: only on short inputs, to keep the run rate up.
    if bytes.count <= 300 {
        let byteAtATime = decode(bytes, chunkSizes: Array(repeating: 1, count: bytes.count))
        require(oneChunk == byteAtATime, "byte-at-a-time changed the outcome:\n\(oneChunk)\n\(byteAtATime)")
    }
    for frame in oneChunk.frames {
        switch frame {
        case .request(let request):
            if request.verb == .submit {
                require(request.payload != nil, "a SUBMIT frame without its payload")
                require(request.payload!.count <= maxPayload, "a payload over the limit")
            } else {
                require(request.payload == nil, "a payload on a non-SUBMIT request")
            }
            checkRoundTrip(request, from: "(frame)")
        case .malformed(let error):
            require(!error.sentence.isEmpty, "a malformed frame with an empty sentence")
        }
    }
    if let error = oneChunk.error {
        require(!error.sentence.isEmpty, "a framing error with an empty sentence")
    }
    return 0
}
