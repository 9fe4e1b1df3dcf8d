/// A message in words, ready for any channel's format.
public struct RenderedMessage: Equatable, Sendable {
    public var title: String
    public var text: String
    /// Label and value pairs: from → to, reason, steps, time to recover.
    public var fields: [Field]
    /// The colour of its kind, as `#rrggbb`.
    public var color: String
    public var link: String?

    public struct Field: Equatable, Sendable {
        public var name: String
        public var value: String
    }
}
