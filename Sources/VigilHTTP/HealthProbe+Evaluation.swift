import Foundation
import VigilCore

extension HealthProbe {
    /// Judges a finished transfer: transport first, then status, body and latency, so the
    /// reason given is the one an operator fixes first.
    func outcome(of result: TransferResult) -> ProbeOutcome {
        if let failure = result.transportFailure { return .failed(failure) }
        guard expectedStatuses.contains(where: { $0.contains(result.status) }) else {
            return .failed(.status(result.status))
        }
        if let body, !body.isMet(by: result.body) {
            return .failed(.bodyMismatch(body.summary))
        }
        if let latencyCeiling, result.timings.total > latencyCeiling {
            return .failed(.tooSlow(total: result.timings.total, ceiling: latencyCeiling))
        }
        return .healthy(result.timings)
    }
}

extension BodyExpectation {
    var summary: String {
        switch self {
        case .contains(let text): "body containing \"\(text)\""
        case .jsonField(let path, let value): "JSON field \(path) == \(value)"
        }
    }

    func isMet(by body: [UInt8]) -> Bool {
        switch self {
        case .contains(let text):
            return String(decoding: body, as: UTF8.self).contains(text)
        case .jsonField(let path, let expected):
            guard var node = try? JSONDecoder().decode(JSONDocument.self, from: Data(body)) else { return false }
            for key in path.split(separator: ".") {
                guard case .object(let fields) = node, let child = fields[String(key)] else { return false }
                node = child
            }
            guard case .scalar(let value) = node else { return false }
            return value == expected
        }
    }
}
