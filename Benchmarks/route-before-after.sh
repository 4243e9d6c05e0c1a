#!/bin/bash
# Route matching before and after a change, without the release build of the whole benchmark package:
# `ccrelay-bench route` (RouteBench.swift) built with `swiftc -O -wmo` against RelayCore's model, JSON,
# timestamp and router files and RelayPatterns, as each was at BEFORE and at AFTER (EventID, which needs
# swift-crypto, is stubbed). The two binaries run alternately; compare the "match on the Event" column.
# Usage: Benchmarks/route-before-after.sh BEFORE [AFTER, default HEAD] [ROUNDS, default 3]
set -euo pipefail
before=$1; after=${2:-HEAD}; rounds=${3:-3}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/stubs.swift" <<'SWIFT'
import Foundation
import RelayCore
func say(_ line: String = "") { print(line) }
func formatted(_ value: Double, digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
enum EventID { static func make(platform: Platform, nativeID: String) -> String { "id-" + nativeID } }
extension Duration { var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 } }
@main struct Main { static func main() throws { try RouteBench.run(rounds: 2) } }
SWIFT
git -C "$repo" show "$after:Benchmarks/Sources/ccrelay-bench/RouteBench.swift" > "$work/RouteBench.swift"
for side in before after; do
    commit=${!side}; dir="$work/$side"; mkdir -p "$dir/core" "$dir/patterns"
    for file in Model/Event+JSON.swift JSON/JSONObject+Flattening.swift JSON/JSONParser.swift JSON/JSONValue.swift \
        JSON/JSONWord.swift JSON/JSONWriter.swift Time/Timestamp.swift Pipeline/EventRouter.swift; do
        git -C "$repo" show "$commit:Sources/RelayCore/$file" > "$dir/core/$(basename "$file")"
    done
    git -C "$repo" show "$commit:Sources/RelayCore/Model/Event.swift" \
        | awk 'NR > 1 && /^public enum EventID/ { exit } NR > 1 { print }' > "$dir/core/Event.swift"
    for file in $(git -C "$repo" ls-tree --name-only "$commit" Sources/RelayPatterns/); do
        git -C "$repo" show "$commit:$file" > "$dir/patterns/$(basename "$file")"
    done
    (cd "$dir" \
        && swiftc -O -wmo -parse-as-library -module-name RelayCore -emit-module -emit-library -static core/*.swift -o libRelayCore.a \
        && swiftc -O -wmo -parse-as-library -module-name RelayPatterns -I . -emit-module -emit-library -static patterns/*.swift \
            -o libRelayPatterns.a \
        && swiftc -O -wmo -parse-as-library -I . ../stubs.swift ../RouteBench.swift -L . -lRelayPatterns -lRelayCore -o bench)
done
for round in $(seq 1 "$rounds"); do
    for side in before after; do echo "### $side (round $round)"; "$work/$side/bench"; done
done
