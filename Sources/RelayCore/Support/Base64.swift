/// Standard base64 (RFC 4648 §4) without Foundation: Firehose record data, HTTP Basic credentials,
/// `Content-MD5`.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// Encodes with `=` padding.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            out.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        let rest = input.count - index
        if rest > 0 {
            let chunk = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(chunk >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes; padding is optional, nothing may follow it. `nil` on a character outside the
    /// alphabet or an impossible length.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var text = String(text)
        return text.withUTF8 { decode(bytes: $0) }
    }

    /// Decodes base64 text given as bytes (the same rules as ``decode(_:)``).
    public static func decode(bytes input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var count = input.count
        var padding = 0
        while count > 0, input[count - 1] == UInt8(ascii: "="), padding < 2 {
            count -= 1
            padding += 1
        }
        if padding > 0, (count + padding) % 4 != 0 { return nil }
        guard count % 4 != 1 else { return nil }
        let outputCount = count / 4 * 3 + max(0, count % 4 - 1)
        var valid = true
        let output = values.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
                var read = 0
                var written = 0
                // Four characters (24 bits) at a time; an invalid character sets the high bits.
                while read + 4 <= count {
                    let a = UInt32(table[Int(input[read])]), b = UInt32(table[Int(input[read + 1])])
                    let c = UInt32(table[Int(input[read + 2])]), d = UInt32(table[Int(input[read + 3])])
                    if (a | b | c | d) & 0x80 != 0 {
                        valid = false
                        break
                    }
                    let chunk = a << 18 | b << 12 | c << 6 | d
                    buffer[written] = UInt8(truncatingIfNeeded: chunk >> 16)
                    buffer[written + 1] = UInt8(truncatingIfNeeded: chunk >> 8)
                    buffer[written + 2] = UInt8(truncatingIfNeeded: chunk)
                    read += 4
                    written += 3
                }
                if valid, read < count {
                    var chunk: UInt32 = 0
                    for index in read..<count {
                        let value = UInt32(table[Int(input[index])])
                        if value & 0x80 != 0 { valid = false }
                        chunk = chunk << 6 | value
                    }
                    chunk <<= UInt32(6 * (4 - (count - read)))
                    buffer[written] = UInt8(truncatingIfNeeded: chunk >> 16)
                    if count - read == 3 { buffer[written + 1] = UInt8(truncatingIfNeeded: chunk >> 8) }
                    written += count - read - 1
                }
                initialized = valid ? written : 0
            }
        }
        return valid ? output : nil
    }
}
