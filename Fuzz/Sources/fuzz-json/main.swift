import FuzzSupport

/// libFuzzer entry point: the bytes are a `.json` nomination file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeBufferPointer(start: start, count: count))
    NominationProperties.check(bytes, fileName: "x.json")
    return 0
}
