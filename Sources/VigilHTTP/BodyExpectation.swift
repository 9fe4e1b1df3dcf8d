/// What a healthy response body must say.
public enum BodyExpectation: Equatable, Sendable {
    /// The body contains this text.
    case contains(String)
    /// The body is JSON whose field at this dotted path (`status`, `checks.db`) equals the value.
    case jsonField(path: String, equals: JSONScalar)
}
