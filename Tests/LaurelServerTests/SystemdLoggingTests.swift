import Logging
import Testing

@testable import LaurelServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@Suite("Journal and stderr logging")
struct SystemdLoggingTests {
    @Test(
        "Metadata keys map to journald field names",
        arguments: [
            ("laurel.file", "LAUREL_FILE"),
            ("laurel.entry", "LAUREL_ENTRY"),
            ("laurel.reason", "LAUREL_REASON"),
            ("peer.uid", "LAUREL_PEER_UID"),
            ("request-id", "LAUREL_REQUEST_ID"),
            ("_private", "LAUREL__PRIVATE"),
            ("Laurel.Code", "LAUREL_CODE"),
            ("größe", "LAUREL_GR_SSE"),
        ]
    )
    func fieldNames(key: String, expected: String) {
        #expect(JournalFieldName.forMetadataKey(key) == expected)
    }

    @Test("Every mapped field name is one journald accepts")
    func fieldNamesAreValid() {
        let keys = [LogKey.file, LogKey.entry, LogKey.reason, LogKey.code, LogKey.uid, LogKey.connection,
                    LogKey.path, LogKey.count, "x.y-z", "ümlaut", String(repeating: "k", count: 200)]
        for key in keys {
            let name = JournalFieldName.forMetadataKey(key)!
            #expect(!name.hasPrefix("_"))
            #expect(name.count <= 64)
            #expect(name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        }
    }

    @Test("A key with nothing left to name has no field")
    func emptyKeys() {
        #expect(JournalFieldName.forMetadataKey("") == nil)
        #expect(JournalFieldName.forMetadataKey("laurel.") == nil)
    }

    @Test("swift-log levels map to syslog priorities")
    func priorities() {
        #expect(Logger.Level.allCases.map(syslogPriority) == [7, 7, 6, 5, 4, 3, 2])
    }

    @Test("A journal entry carries the standard fields and one LAUREL_ field per metadata key")
    func journalFields() {
        let fields = JournalLogHandler.fields(
            level: .warning,
            message: "refused file",
            metadata: [LogKey.reason: "bad header", LogKey.file: "new/a.txt"],
            file: "LaurelServer/SpoolWatcher.swift",
            function: "ingest(_:)",
            line: 42,
            identifier: "laureld"
        )
        #expect(fields == [
            "MESSAGE=refused file", "PRIORITY=4", "CODE_FILE=LaurelServer/SpoolWatcher.swift", "CODE_LINE=42",
            "CODE_FUNC=ingest(_:)", "SYSLOG_IDENTIFIER=laureld", "LAUREL_FILE=new/a.txt", "LAUREL_REASON=bad header",
        ])
    }

    @Test("JOURNAL_STREAM must name stderr's device and inode exactly")
    func journalStreamMatching() {
        #expect(JournalStream.matches("64768:12345", device: 64768, inode: 12345))
        #expect(!JournalStream.matches("64768:12346", device: 64768, inode: 12345))
        #expect(!JournalStream.matches("64769:12345", device: 64768, inode: 12345))
        #expect(!JournalStream.matches("64768", device: 64768, inode: 12345))
        #expect(!JournalStream.matches("a:b", device: 64768, inode: 12345))
        #expect(!JournalStream.matches("", device: 0, inode: 0))
    }

    @Test("The stderr format is one line: LEVEL message key=value, values quoted when needed")
    func stderrFormat() {
        let line = StderrLogHandler.format(
            level: .error,
            message: "could not bind\nsocket",
            metadata: [LogKey.path: "/run/laurel/laureld.sock", LogKey.reason: "address in use", "n": "3"]
        )
        #expect(line == "ERROR could not bind\\nsocket laurel.path=/run/laurel/laureld.sock laurel.reason=\"address in use\" n=3\n")
    }

    @Test("The stderr handler writes whole lines to its descriptor")
    func stderrHandlerWrites() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        var logger = Logger(label: "test") { _ in StderrLogHandler(fd: fds[1]) }
        logger.logLevel = .debug
        logger[metadataKey: LogKey.entry] = "e1"
        logger.debug("hello", metadata: [LogKey.count: "2"])
        close(fds[1])
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = read(fds[0], &buffer, buffer.count)
        #expect(String(decoding: buffer[..<max(n, 0)], as: UTF8.self) == "DEBUG hello laurel.count=2 laurel.entry=e1\n")
    }

    @Test("bootstrap's handler choice follows the journal flag and keeps the level")
    func handlerChoice() {
        let journal = LaurelLogging.makeHandler(label: "x", level: .notice, journal: true)
        let plain = LaurelLogging.makeHandler(label: "x", level: .debug, journal: false)
        #expect(journal is JournalLogHandler)
        #expect(journal.logLevel == .notice)
        #expect(plain is StderrLogHandler)
        #expect(plain.logLevel == .debug)
    }
}
