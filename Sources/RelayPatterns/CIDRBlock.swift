/// An IP address as 128 bits plus its family (IPv4 addresses use the low 32 bits).
struct IPAddress: Sendable, Equatable {
    enum Family: Sendable { case v4, v6 }

    var family: Family
    var high: UInt64
    var low: UInt64

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (`::` compression, trailing dotted quad);
    /// `nil` for anything else. Works on the bytes in place.
    static func parse(_ text: String) -> IPAddress? {
        TextMatching.withBytes(text) { bytes in
            if let v4 = parseV4(bytes[...]) { return IPAddress(family: .v4, high: 0, low: UInt64(v4)) }
            return parseV6(bytes)
        }
    }

    private static func parseV4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                guard digits < 3 else { return nil }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    private static func hexValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt16(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt16(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// 16-bit groups gathered into 128 bits without a heap buffer.
    private struct Groups {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var count = 0

        mutating func append(_ group: UInt16) {
            high = high << 16 | low >> 48
            low = low << 16 | UInt64(group)
            count += 1
        }

        /// Shifts left by `groups` 16-bit groups (0...8).
        func shifted(by groups: Int) -> (UInt64, UInt64) {
            let bits = groups * 16
            if bits == 0 { return (high, low) }
            if bits >= 128 { return (0, 0) }
            if bits >= 64 { return (low << (bits - 64), 0) }
            return (high << bits | low >> (64 - bits), low << bits)
        }
    }

    private static func parseV6(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        // Groups before `::` go to `head`, after it to `tail`; without `::` everything is `head`.
        var head = Groups()
        var tail = Groups()
        var sawGap = false
        var index = 0
        let count = bytes.count
        guard count >= 2 else { return nil }
        if bytes[0] == UInt8(ascii: ":") {
            guard bytes[1] == UInt8(ascii: ":") else { return nil }
            sawGap = true
            index = 2
        }
        while index < count {
            var end = index
            while end < count, bytes[end] != UInt8(ascii: ":") { end += 1 }
            let field = bytes[index..<end]
            if field.contains(UInt8(ascii: ".")) {
                // A dotted quad fills the last 32 bits.
                guard end == count, head.count + tail.count <= 6, let v4 = parseV4(field) else { return nil }
                if sawGap {
                    tail.append(UInt16(v4 >> 16))
                    tail.append(UInt16(v4 & 0xFFFF))
                } else {
                    head.append(UInt16(v4 >> 16))
                    head.append(UInt16(v4 & 0xFFFF))
                }
                index = end
                break
            }
            guard !field.isEmpty, field.count <= 4, head.count + tail.count < 8 else { return nil }
            var value: UInt16 = 0
            for byte in field {
                guard let digit = hexValue(byte) else { return nil }
                value = value << 4 | digit
            }
            if sawGap { tail.append(value) } else { head.append(value) }
            index = end
            if index < count {
                index += 1
                if index < count, bytes[index] == UInt8(ascii: ":") {
                    guard !sawGap else { return nil }
                    sawGap = true
                    index += 1
                } else if index == count {
                    return nil
                }
            }
        }
        let total = head.count + tail.count
        guard sawGap ? total < 8 : total == 8 else { return nil }
        let shiftedHead = head.shifted(by: 8 - head.count)
        return IPAddress(family: .v6, high: shiftedHead.0 | tail.high, low: shiftedHead.1 | tail.low)
    }
}

/// A compiled `cidr` operand: a network and the number of leading bits that must agree.
struct CIDRBlock: Sendable, Equatable {
    let network: IPAddress
    let prefixLength: Int

    init(compiling text: String, at path: PatternPath) throws(PatternError) {
        guard let slash = text.utf8.lastIndex(of: UInt8(ascii: "/")) else {
            throw path.error("cidr: expected an address and a prefix length, e.g. \"10.0.0.0/24\"")
        }
        let addressText = String(text[..<slash])
        let lengthText = text[text.utf8.index(after: slash)...]
        guard let address = IPAddress.parse(addressText) else {
            throw path.error("cidr: \"\(addressText)\" is not an IPv4 or IPv6 address")
        }
        let maximum = address.family == .v4 ? 32 : 128
        guard !lengthText.isEmpty, lengthText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), lengthText.count <= 3,
            let length = Int(lengthText), length <= maximum
        else {
            throw path.error("cidr: prefix length \"\(lengthText)\" must be a whole number from 0 to \(maximum)")
        }
        self.prefixLength = length
        self.network = Self.masked(address, length: length)
    }

    func contains(_ text: String) -> Bool {
        guard let address = IPAddress.parse(text), address.family == network.family else { return false }
        return Self.masked(address, length: prefixLength) == network
    }

    private static func masked(_ address: IPAddress, length: Int) -> IPAddress {
        var result = address
        switch address.family {
        case .v4:
            result.low = length == 0 ? 0 : address.low & (UInt64(UInt32.max) << (32 - length)) & 0xFFFF_FFFF
        case .v6:
            result.high = address.high & mask(bits: min(length, 64))
            result.low = address.low & mask(bits: max(length - 64, 0))
        }
        return result
    }

    /// A 64-bit mask with the `bits` leading bits set.
    private static func mask(bits: Int) -> UInt64 {
        bits == 0 ? 0 : UInt64.max << (64 - bits)
    }
}
